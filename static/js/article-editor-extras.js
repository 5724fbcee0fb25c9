// The article edit page's writing tools, added from outside the rich-text editor (whatever
// preset it runs): a live word count under the body, paste from a word processor that keeps
// the structure and drops the junk, autosave of the form as an unsaved copy (and restoring
// it), and the preview of unsaved changes in a pane beside the form on a wide screen.
//
// The page works without this script: the editor's height is CSS, restoring a copy is a link
// that draws the form filled with it, and "Preview unsaved changes" opens in a new tab. The
// texts come translated from data attributes on #writing-tools (templates/admin/news/article/
// _writing.html), so no JavaScript catalogue is needed.
"use strict";
{
    const tools = document.getElementById("writing-tools");
    const form = document.getElementById("article_form");
    if (tools && form) {
        const text = (name, values = {}) =>
            (tools.dataset[name] || "").replace(/\{(\w+)\}/g, (_match, key) => String(values[key] ?? ""));

        // --- the body editor ------------------------------------------------------------
        const bodyWrapper = () => document.querySelector(".field-body .prose-editor");
        // Tiptap keeps its editor on its editing element; the ready event names it too.
        const editors = new WeakMap();
        document.addEventListener("prose-editor:ready", (event) => {
            const {editor, textarea} = event.detail || {};
            if (editor && textarea) {
                editors.set(textarea, editor);
            }
        });
        const editorOf = (wrapper) => {
            if (!wrapper) {
                return null;
            }
            const textarea = wrapper.querySelector("textarea");
            const area = [...wrapper.querySelectorAll("[contenteditable]")].find((element) => element.editor);
            return (textarea && editors.get(textarea)) || (area ? area.editor : null);
        };

        // Words: a run of letters or digits (with inner apostrophes, hyphens, points or
        // commas: "don't", "2,333", "3.5") is one word; each Chinese, Japanese or Korean
        // character is one, as writers of those languages count.
        const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
        const WORD = /[\p{L}\p{N}]+(?:['’.,\-][\p{L}\p{N}]+)*/gu;
        const countWords = (value) => {
            const cjk = (value.match(CJK) || []).length;
            const rest = value.replace(CJK, " ").match(WORD) || [];
            return cjk + rest.length;
        };
        window.cityinnoCountWords = countWords; // for the browser tests

        const setUpBody = (wrapper) => {
            if (!wrapper || wrapper.dataset.writingTools) {
                return;
            }
            const area = wrapper.querySelector("[contenteditable]");
            if (!area) {
                return;
            }
            wrapper.dataset.writingTools = "on";
            const count = document.createElement("p");
            count.className = "help body-word-count"; // "help": aligned under the editor, as Django aligns help texts
            count.id = "body-word-count";
            count.setAttribute("aria-live", "polite");
            // Below the editor and its row (the row lays the editor out beside other things).
            (wrapper.closest(".flex-container") || wrapper).after(count);
            const status = document.createElement("p");
            status.className = "help autosave-status";
            status.id = "autosave-status";
            status.setAttribute("role", "status");
            count.after(status);
            const update = () => {
                const words = countWords(area.innerText || "");
                count.textContent = text(words === 1 ? "wordsOne" : "wordsOther", {count: words});
            };
            update();
            new MutationObserver(update).observe(area, {childList: true, subtree: true, characterData: true});
            area.addEventListener("paste", (event) => pasteCleanly(event, wrapper), true);
        };

        // --- paste from a word processor ------------------------------------------------
        // Word, LibreOffice and Google Docs put their styling in classes, `style`, <span>s,
        // conditional comments and <o:p>; Word's lists are paragraphs with `mso-list`. The
        // structure (headings, lists, bold, italic, links, tables) is rebuilt, the rest
        // dropped, then handed to the editor, whose schema and the server's sanitiser
        // (news/sanitise.py) still decide what is kept.
        const DROP = new Set(["SCRIPT", "STYLE", "META", "LINK", "TITLE", "XML", "IMG", "svg", "OBJECT", "IFRAME"]);
        const KEEP_ATTRIBUTES = {A: ["href"], TD: ["colspan", "rowspan"], TH: ["colspan", "rowspan"]};
        const SAFE_LINK = /^(https?:|mailto:)/i;

        const unwrap = (element) => element.replaceWith(...element.childNodes);
        const rename = (element, tag) => {
            const renamed = element.ownerDocument.createElement(tag);
            renamed.append(...element.childNodes);
            element.replaceWith(renamed);
            return renamed;
        };

        const wordListItems = (doc) => {
            // Consecutive `mso-list` paragraphs become one list; "1." / "a)" bullets an <ol>.
            const paragraphs = [...doc.body.querySelectorAll("p")].filter((p) =>
                /mso-list\s*:\s*l\d/i.test(p.getAttribute("style") || "") || /MsoListParagraph/i.test(p.className));
            let list = null;
            let previous = null;
            for (const paragraph of paragraphs) {
                const marker = paragraph.querySelector("[style*='mso-list'][style*='Ignore' i]");
                const bullet = (marker ? marker.textContent : "").trim();
                if (marker) {
                    marker.remove();
                }
                const ordered = /^\(?[0-9a-z]{1,3}[.)]/i.test(bullet);
                const tag = ordered ? "OL" : "UL";
                if (!list || previous !== paragraph.previousElementSibling || list.tagName !== tag) {
                    list = doc.createElement(tag);
                    paragraph.before(list);
                }
                const item = doc.createElement("li");
                item.append(...paragraph.childNodes);
                list.append(item);
                paragraph.remove();
                previous = list;
            }
        };

        const cleanPastedHTML = (html) => {
            const doc = new DOMParser().parseFromString(html, "text/html");
            const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_COMMENT);
            const comments = [];
            while (walker.nextNode()) {
                comments.push(walker.currentNode);
            }
            comments.forEach((comment) => comment.remove());
            wordListItems(doc);
            for (const element of [...doc.body.querySelectorAll("*")].reverse()) {
                const tag = element.tagName;
                if (DROP.has(tag) || DROP.has(tag.toUpperCase())) {
                    element.remove();
                    continue;
                }
                const style = (element.getAttribute("style") || "").toLowerCase();
                const className = element.getAttribute("class") || "";
                let current = element;
                if (tag.includes(":")) { // <o:p>, <w:sdt> …
                    unwrap(element);
                    continue;
                }
                if (/^H1$/.test(tag) || /MsoTitle\b/.test(className)) {
                    current = rename(element, "h2");
                } else if (/^H[5-6]$/.test(tag)) {
                    current = rename(element, "h4");
                } else if (tag === "B" && /font-weight\s*:\s*(normal|400)/.test(style)) {
                    unwrap(element); // Google Docs wraps a whole paste in <b style="font-weight:normal">
                    continue;
                } else if (tag === "SPAN" || tag === "FONT" || tag === "DIV" || tag === "SECTION") {
                    let replacement = null;
                    if (/font-weight\s*:\s*(bold|[6-9]00)/.test(style)) {
                        replacement = "strong";
                    } else if (/font-style\s*:\s*italic/.test(style)) {
                        replacement = "em";
                    }
                    if (replacement) {
                        current = rename(element, replacement);
                    } else if (tag === "DIV" || tag === "SECTION") {
                        current = rename(element, "p");
                    } else {
                        unwrap(element);
                        continue;
                    }
                } else if (tag === "A" && !SAFE_LINK.test(element.getAttribute("href") || "")) {
                    unwrap(element); // bookmarks (<a name="_Toc…">) and local links
                    continue;
                }
                const keep = KEEP_ATTRIBUTES[current.tagName] || [];
                for (const attribute of [...current.attributes]) {
                    if (!keep.includes(attribute.name)) {
                        current.removeAttribute(attribute.name);
                    }
                }
                // Word's empty paragraphs (&nbsp; or nothing) are spacing, not text.
                if (current.tagName === "P" && !current.textContent.replace(/\u00a0/g, "").trim()
                    && !current.querySelector("br")) {
                    current.remove();
                }
            }
            return doc.body.innerHTML;
        };
        window.cityinnoCleanPastedHTML = cleanPastedHTML; // for the browser tests

        const pasteCleanly = (event, wrapper) => {
            const data = event.clipboardData;
            const html = data ? data.getData("text/html") : "";
            const editor = editorOf(wrapper);
            if (!html || !editor || !editor.view || typeof editor.view.pasteHTML !== "function") {
                return; // plain text, or an editor we cannot reach: the editor's own paste
            }
            event.preventDefault();
            event.stopImmediatePropagation();
            editor.view.pasteHTML(cleanPastedHTML(html));
        };

        // --- autosave ---------------------------------------------------------------------
        const copyUrl = tools.dataset.copyUrl;
        const INTERVAL = 4000;
        const serialise = () => {
            const data = {};
            for (const [name, value] of new FormData(form)) {
                if (typeof value !== "string" || name === "csrfmiddlewaretoken" || name.startsWith("_")
                    || name.includes("-")) {
                    continue; // files, the token, buttons and the inline rows are not kept
                }
                (data[name] = data[name] || []).push(value);
            }
            return data;
        };
        const csrfToken = () => {
            // The cookie is read each time: signing in again (in another tab) renews it.
            const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
            const token = cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : "";
            const field = form.querySelector("input[name=csrfmiddlewaretoken]");
            if (token && field) {
                field.value = token; // so the Save button works after signing in again too
            }
            return token || (field ? field.value : "");
        };
        const showStatus = (message, kind = "") => {
            const status = document.getElementById("autosave-status");
            if (status) {
                status.textContent = message;
                status.dataset.kind = kind;
            }
        };

        let lastKept = null;
        let saving = false;
        let stopped = false;
        const keepCopy = async ({keepalive = false} = {}) => {
            if (!copyUrl || stopped || saving) {
                return;
            }
            const data = serialise();
            const body = JSON.stringify({data});
            if (lastKept === null || body === lastKept) {
                return; // nothing typed since the page opened or since the last copy
            }
            saving = true;
            try {
                const response = await fetch(copyUrl, {
                    method: "POST",
                    credentials: "same-origin",
                    // A request that outlives the page may carry at most 64 KiB.
                    keepalive: keepalive && body.length < 60000,
                    headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json"},
                    body,
                });
                const answer = await response.json().catch(() => ({}));
                if (response.ok) {
                    lastKept = body;
                    showStatus(text(answer.stale ? "stale" : "saved", {time: answer.saved_at_display}), answer.stale ? "stale" : "saved");
                } else if (response.status === 401 || (response.status === 403 && answer.error !== "forbidden")) {
                    showStatus(text("signedOut"), "signed-out"); // a 403 without our answer: CSRF, after signing out
                } else {
                    showStatus(text("failed", {message: answer.message || response.statusText}), "failed");
                }
            } catch (_error) {
                showStatus(text("offline"), "failed");
            } finally {
                saving = false;
            }
        };
        if (copyUrl) {
            setInterval(keepCopy, INTERVAL);
            // Closing or leaving the tab: one last copy, sent even as the page goes away.
            document.addEventListener("visibilitychange", () => {
                if (document.visibilityState === "hidden") {
                    keepCopy({keepalive: true});
                }
            });
            form.addEventListener("submit", (event) => {
                const submitter = event.submitter;
                if (!(submitter && submitter.name === "_preview")) {
                    stopped = true; // a real save: the server deletes the copy
                }
            });
        }

        // --- restoring a copy -------------------------------------------------------------
        const fillable = (element) => {
            const name = element.name;
            return name && name !== "csrfmiddlewaretoken" && !name.startsWith("_") && !name.includes("-")
                && !["file", "submit", "button"].includes(element.type);
        };
        const fillForm = (data) => {
            // Each field of the article form takes the copy's values. A choice the page does
            // not list (an autocomplete's) cannot be filled here: nothing is touched, false,
            // and the link draws the form filled by the server instead.
            const fields = [...form.elements].filter(fillable);
            const blocked = fields.some((element) => {
                const values = data[element.name] || [];
                if (element.tagName === "SELECT") {
                    const options = [...element.options].map((option) => option.value);
                    return values.some((value) => !options.includes(value));
                }
                return element.name === "body" && !editorOf(element.closest(".prose-editor"));
            });
            if (blocked) {
                return false;
            }
            for (const element of fields) {
                const values = data[element.name] || [];
                if (element.type === "checkbox" || element.type === "radio") {
                    element.checked = values.includes(element.value);
                } else if (element.tagName === "SELECT") {
                    for (const option of element.options) {
                        option.selected = values.includes(option.value);
                    }
                    element.dispatchEvent(new Event("change", {bubbles: true}));
                } else if (element.name === "body") {
                    const editor = editorOf(element.closest(".prose-editor"));
                    editor.commands.setContent(values[0] || "", {emitUpdate: true});
                    element.value = editor.getHTML();
                } else {
                    element.value = values[0] ?? "";
                    element.dispatchEvent(new Event("input", {bubbles: true}));
                }
            }
            return true;
        };
        const restoreLink = document.getElementById("draft-copy-restore");
        const copyData = document.getElementById("draft-copy-data");
        if (restoreLink && copyData) {
            restoreLink.addEventListener("click", (event) => {
                if (!fillForm(JSON.parse(copyData.textContent))) {
                    return; // the link draws the form filled with the copy instead
                }
                event.preventDefault();
                const offer = document.getElementById("draft-copy-offer");
                const note = document.createElement("p");
                note.className = "draft-copy-restored";
                note.setAttribute("role", "status");
                note.textContent = text("restored");
                offer.replaceWith(note);
                form.querySelector("#id_title")?.focus();
            });
        }

        // --- the preview pane -------------------------------------------------------------
        const previewButton = form.querySelector("button[name=_preview]");
        const WIDE = window.matchMedia("(min-width: 75em)");
        const openPane = () => {
            let pane = document.getElementById("unsaved-preview-pane");
            if (!pane) {
                pane = document.createElement("aside");
                pane.id = "unsaved-preview-pane";
                pane.className = "unsaved-preview-pane";
                pane.setAttribute("aria-labelledby", "unsaved-preview-title");
                const header = document.createElement("div");
                header.className = "unsaved-preview-header";
                const title = document.createElement("h2");
                title.id = "unsaved-preview-title";
                title.textContent = text("previewTitle");
                const close = document.createElement("button");
                close.type = "button";
                close.className = "button unsaved-preview-close";
                close.textContent = text("previewClose");
                close.addEventListener("click", () => {
                    pane.hidden = true;
                    document.body.classList.remove("with-unsaved-preview");
                    previewButton.focus();
                });
                const frame = document.createElement("iframe");
                frame.name = "unsaved-preview-frame";
                frame.title = text("previewTitle");
                header.append(title, close);
                pane.append(header, frame);
                document.body.append(pane);
            }
            pane.hidden = false;
            document.body.classList.add("with-unsaved-preview");
            return pane;
        };
        if (previewButton) {
            previewButton.addEventListener("click", () => {
                // Wide screens: beside the form; otherwise the new tab the button names.
                if (WIDE.matches) {
                    openPane();
                    previewButton.formTarget = "unsaved-preview-frame";
                } else {
                    previewButton.formTarget = "_blank";
                }
            });
        }

        // --- start ------------------------------------------------------------------------
        const start = () => {
            setUpBody(bodyWrapper());
            if (lastKept === null && bodyWrapper() && bodyWrapper().dataset.writingTools) {
                lastKept = JSON.stringify({data: serialise()}); // the page as it opened
            }
        };
        document.addEventListener("prose-editor:ready", () => requestAnimationFrame(start));
        window.addEventListener("load", start);
        new MutationObserver(() => {
            if (lastKept === null) {
                start();
            }
        }).observe(form, {childList: true, subtree: true});
    }
}
