// The media library's picker in a <dialog> on the article screen: search, pages and upload
// load inside the dialog (the picker's own page, ?panel=1), and "Choose" hands the image to
// whoever opened it: the hero's field ("Choose from library") or the editor's Image button
// (js/article-editor.js, through a "media-picker:open" event). Without this script the hero is
// a plain list of the library's images and the picker is a page of its own.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
    const dialog = document.getElementById("media-picker");
    const body = dialog && dialog.querySelector(".media-picker-body");
    let choose = null;
    let opener = null;

    const panelUrl = (url) => {
        const address = new URL(url, window.location.href);
        address.searchParams.set("panel", "1");
        return address.toString();
    };

    const show = async (response) => {
        body.innerHTML = await response.text();
        body.querySelectorAll(".picker-choose").forEach((button) => { button.hidden = false; });
        const focus = body.querySelector(".picker-upload-errors")
            || body.querySelector(".picker-just-uploaded .picker-choose")
            || body.querySelector("input[type=search]");
        if (focus) {
            focus.focus();
        }
    };

    const load = async (url, options = {}) => {
        body.setAttribute("aria-busy", "true");
        try {
            await show(await fetch(panelUrl(url), {credentials: "same-origin", ...options}));
        } catch (error) {
            body.textContent = dialog.dataset.failedLabel || "The library could not be loaded.";
        } finally {
            body.removeAttribute("aria-busy");
        }
    };

    const open = (chooseImage, trigger) => {
        choose = chooseImage;
        opener = trigger || document.activeElement;
        body.replaceChildren();  // nothing left from the last time it was open
        dialog.showModal();
        load(dialog.dataset.url);
    };

    const close = () => {
        dialog.close();
    };

    if (dialog) {
        dialog.addEventListener("close", () => {
            choose = null;
            if (opener && opener.focus) {
                opener.focus();
            }
        });
        dialog.querySelector(".media-picker-close").addEventListener("click", close);

        body.addEventListener("submit", (event) => {
            const form = event.target;
            event.preventDefault();
            if (form.method.toLowerCase() === "post") {
                load(form.action, {method: "POST", body: new FormData(form)});
            } else {
                const address = new URL(form.action, window.location.href);
                for (const [key, value] of new FormData(form)) {
                    address.searchParams.set(key, value);
                }
                load(address.toString());
            }
        });

        body.addEventListener("click", (event) => {
            const link = event.target.closest("a.picker-page");
            if (link) {
                event.preventDefault();
                load(link.href);
                return;
            }
            const button = event.target.closest(".picker-choose");
            if (button && choose) {
                const chosen = choose;
                close();
                chosen({
                    id: button.dataset.imageId,
                    src: button.dataset.src,
                    alt: button.dataset.alt,
                    title: button.dataset.title,
                    thumbnail: button.dataset.thumbnail,
                    width: Number(button.dataset.width) || null,
                    height: Number(button.dataset.height) || null,
                });
            }
        });

        // The editor's Image button.
        document.addEventListener("media-picker:open", (event) => open(event.detail.choose));

        // The hero's "Choose from library": set the plain <select> (adding the option if the
        // image was just uploaded) and show its thumbnail.
        for (const widget of document.querySelectorAll(".hero-image-widget")) {
            const select = widget.querySelector("select");
            const preview = widget.querySelector(".hero-image-preview");
            const button = widget.querySelector(".media-picker-open");
            const showPreview = () => {
                const option = select.selectedOptions[0];
                const url = option && option.dataset.thumbnail;
                preview.hidden = !url;
                if (url) {
                    let thumbnail = preview.querySelector("img");
                    if (!thumbnail) {
                        thumbnail = document.createElement("img");
                        thumbnail.alt = "";
                        thumbnail.width = 160;
                        preview.append(thumbnail);
                    }
                    thumbnail.src = url;
                }
            };
            button.hidden = false;
            button.addEventListener("click", () => open((image) => {
                let option = [...select.options].find((item) => item.value === String(image.id));
                if (!option) {
                    option = new Option(image.title, image.id);
                    option.dataset.thumbnail = image.thumbnail;
                    select.add(option, 1);
                }
                select.value = String(image.id);
                select.dispatchEvent(new Event("change", {bubbles: true}));
            }, button));
            select.addEventListener("change", showPreview);
        }
    }
});
