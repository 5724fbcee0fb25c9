// The article body's images: Tiptap's image node with the media library's id (written as
// data-image-id, so the server finds the image and prints its renditions), and an Image button
// in the editor's toolbar that opens the library's picker (js/media-picker.js) and inserts the
// chosen image with its alt text. django-prose-editor's "configurable" preset imports this
// module because settings' DJANGO_PROSE_EDITOR_EXTENSIONS names it for "LibraryImage".
import { Image } from "django-prose-editor/editor"

const pickerLabel = () =>
  document.getElementById("media-picker")?.dataset.insertLabel || "Image from the library"

export const LibraryImage = Image.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      imageId: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-image-id"),
        renderHTML: (attributes) =>
          attributes.imageId ? { "data-image-id": String(attributes.imageId) } : {},
      },
    }
  },

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "libraryImage",
      groups: "nodes",
      button: buttons.material("image", pickerLabel()),
      command(editor) {
        document.dispatchEvent(
          new CustomEvent("media-picker:open", {
            detail: {
              purpose: "text",
              choose(image) {
                editor
                  .chain()
                  .focus()
                  .setImage({
                    src: image.src,
                    alt: image.alt,
                    width: image.width || null,
                    height: image.height || null,
                    imageId: image.id,
                  })
                  .run()
              },
            },
          }),
        )
      },
      enabled: (editor) => editor.can().setImage({ src: "/" }),
      active: () => false,
    })
  },
})
