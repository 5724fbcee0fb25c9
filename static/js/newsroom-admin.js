// Accessible names for two widgets whose libraries leave them unnamed: the rich-text editor's
// editing area (Tiptap) and the search box inside each autocomplete field (Select2). Each takes
// the text of its field's own <label>. Also one repair of Select2's markup: with choices made,
// its "clear all" cross is a <span> inside the list of choices, which screen readers then read
// as a broken list; it moves just before the list (Select2 finds it there too). Everything works
// without this script; it only tells screen readers what each box is and holds.
"use strict";
{
    const labelText = (id) => {
        const label = id ? document.querySelector(`label[for="${CSS.escape(id)}"]`) : null;
        return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
    };

    const name = (element, text) => {
        if (element && text && !element.hasAttribute("aria-label")) {
            element.setAttribute("aria-label", text);
        }
    };

    const nameWidgets = () => {
        for (const wrapper of document.querySelectorAll(".prose-editor")) {
            const textarea = wrapper.querySelector("textarea");
            name(wrapper.querySelector("[contenteditable]"), textarea && labelText(textarea.id));
        }
        for (const select of document.querySelectorAll("select.admin-autocomplete")) {
            const container = select.nextElementSibling;
            if (container && container.classList.contains("select2")) {
                name(container.querySelector(".select2-search__field"), labelText(select.id));
                const list = container.querySelector("ul.select2-selection__rendered");
                for (const cross of list ? list.querySelectorAll(":scope > .select2-selection__clear") : []) {
                    list.before(cross);
                }
            }
        }
    };

    // The widgets are built by other scripts, some after the page has loaded, and Select2
    // rebuilds its boxes as choices change: name whatever has appeared, once a frame.
    let queued = false;
    const queue = () => {
        if (!queued) {
            queued = true;
            requestAnimationFrame(() => {
                queued = false;
                nameWidgets();
            });
        }
    };
    new MutationObserver(queue).observe(document.documentElement, {childList: true, subtree: true});
    document.addEventListener("prose-editor:ready", queue);
    window.addEventListener("load", queue);
}
