// Workflow steps straight from the article edit page. Each step's link in the object tools
// leads to its confirmation page; with this script it opens a <dialog> on the page instead,
// holding the same form (the step's questions and the CSRF token) and posting to the same
// address, so the server does exactly what the page would. The dialog is modal: focus moves
// into it, Escape closes it, focus returns to the link. Unsaved edits in the article form are
// not part of a step: once something has been typed, each dialog (and the comment form) says
// so, and the step can still be taken (saving first is the person's choice).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
    const articleForm = document.getElementById("article_form");
    let unsaved = false;
    const showWarnings = () => {
        for (const warning of document.querySelectorAll("[data-unsaved-warning]")) {
            warning.hidden = !unsaved;
        }
    };
    if (articleForm) {
        const changed = () => {
            unsaved = true;
            showWarnings();
        };
        articleForm.addEventListener("input", changed);
        articleForm.addEventListener("change", changed);
        articleForm.addEventListener("submit", () => {
            unsaved = false;
        });
    }
    for (const link of document.querySelectorAll("a[data-workflow-dialog]")) {
        const dialog = document.getElementById(link.dataset.workflowDialog);
        if (!dialog || typeof dialog.showModal !== "function") {
            continue; // no dialog support: the link opens the confirmation page
        }
        link.setAttribute("aria-haspopup", "dialog");
        link.addEventListener("click", (event) => {
            event.preventDefault();
            showWarnings();
            dialog.showModal();
        });
        for (const close of dialog.querySelectorAll("[data-dialog-close]")) {
            close.addEventListener("click", () => dialog.close());
        }
        dialog.addEventListener("close", () => link.focus());
    }
});
