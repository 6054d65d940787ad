/*
 * Article editor: the "Cite" button of the rich text toolbar, and the reference forms.
 *
 * A citation is a Draftail entity {ref, locator, narrative}. "ref" is the hidden key of one
 * of the reference forms in the References panel of the same page editor, so the editor can
 * cite a reference before saving it. The label inserted in the text is only a preview: the
 * published page builds the APA citation from the reference as it is at that time.
 */
(() => {
  "use strict";

  const React = window.React;
  const { EditorState, Modifier, SelectionState } = window.DraftJS;

  // Fields each kind of reference uses; the others are hidden to keep the form short.
  const COMMON = ["kind", "year", "authors", "title", "doi", "url"];
  const FIELDS_BY_KIND = {
    journal: ["container", "volume", "issue", "pages"],
    book: ["edition", "publisher"],
    chapter: ["container", "editors", "edition", "pages", "publisher"],
    report: ["number", "publisher"],
    web: ["container", "accessed"],
  };
  const ALL_OPTIONAL = ["container", "volume", "issue", "pages", "edition", "number", "editors", "publisher", "accessed"];

  function uuid4() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function fieldValue(prefix, name) {
    const element = document.querySelector(`[name="${prefix}${name}"]`);
    return element ? element.value.trim() : "";
  }

  /* The reference forms shown in the editor, in order, without deleted ones. */
  function referenceForms() {
    const forms = [];
    document.querySelectorAll('input[name^="references-"][name$="-key"]').forEach((input) => {
      const prefix = input.name.slice(0, -"key".length);
      if (prefix.includes("__prefix__")) return;
      const deleted = document.querySelector(`[name="${prefix}DELETE"]`);
      if (deleted && (deleted.value === "1" || deleted.checked)) return;
      forms.push({
        input,
        prefix,
        key: input.value,
        authors: fieldValue(prefix, "authors"),
        year: fieldValue(prefix, "year"),
        title: fieldValue(prefix, "title"),
      });
    });
    return forms;
  }

  /* New forms are copies of one template, so they arrive with the same key: give each its own. */
  function ensureUniqueKeys() {
    const seen = new Set();
    referenceForms().forEach((form) => {
      if (!form.key || seen.has(form.key)) {
        form.input.value = uuid4();
        form.key = form.input.value;
      }
      seen.add(form.key);
    });
  }

  function familyNames(authors) {
    return authors
      .split("\n")
      .map((line) => line.split(",")[0].trim())
      .filter(Boolean);
  }

  function shortAuthors(form, narrative) {
    const names = familyNames(form.authors);
    if (!names.length) return form.title || "Untitled";
    if (names.length === 1) return names[0];
    if (names.length === 2) return `${names[0]} ${narrative ? "and" : "&"} ${names[1]}`;
    return `${names[0]} et al.`;
  }

  function pageLocator(locator) {
    const text = locator.trim();
    if (/^\d+$/.test(text)) return `p. ${text}`;
    const range = text.match(/^(\d+)\s*[-–—]\s*(\d+)$/);
    return range ? `pp. ${range[1]}–${range[2]}` : text;
  }

  // Only the editor's preview: the page renders every citation with articles/apa.py.
  function citationLabel(form, locator, narrative) {
    const when = [form.year || "n.d.", pageLocator(locator)].filter(Boolean).join(", ");
    return narrative ? `${shortAuthors(form, true)} (${when})` : `(${shortAuthors(form, false)}, ${when})`;
  }

  function element(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    });
    children.forEach((child) => node.append(child));
    return node;
  }

  /* A native modal dialog: pick a reference, optionally a page, and how the citation reads. */
  function openCitationDialog(current, onChoose, onCancel) {
    ensureUniqueKeys();
    const forms = referenceForms();
    const form = element("form", { method: "dialog", class: "citation-dialog__form" });
    const dialog = element("dialog", { class: "citation-dialog", "aria-labelledby": "citation-dialog-title" }, [form]);
    form.append(element("h2", { id: "citation-dialog-title", text: "Cite a reference" }));
    let finished = false;
    const finish = (choice) => {
      if (finished) return;
      finished = true;
      dialog.close();
      dialog.remove();
      if (choice) onChoose(choice);
      else onCancel();
    };

    if (!forms.length) {
      form.append(
        element("p", {
          text: "This article has no references yet. Add one in the References section of this page, then select the words again and press Cite.",
        }),
        element("button", { type: "submit", class: "button", text: "Close" }),
      );
      form.addEventListener("submit", () => finish(null));
    } else {
      const list = element("fieldset", { class: "citation-dialog__references" }, [element("legend", { text: "Reference" })]);
      forms.forEach((reference, index) => {
        const id = `citation-choice-${index}`;
        const radio = element("input", { type: "radio", name: "citation-ref", id, value: reference.key });
        if (reference.key === current.ref || (!current.ref && index === 0)) radio.checked = true;
        const title = reference.title ? ` — ${reference.title}` : "";
        list.append(element("div", { class: "citation-dialog__choice" }, [
          radio,
          element("label", { for: id, text: `${citationLabel(reference, "", false)}${title}` }),
        ]));
      });
      const locator = element("input", { type: "text", id: "citation-locator", maxlength: "40", placeholder: "p. 307" });
      locator.value = current.locator || "";
      const narrative = element("input", { type: "checkbox", id: "citation-narrative" });
      narrative.checked = Boolean(current.narrative);
      form.append(
        list,
        element("p", {}, [
          element("label", { for: "citation-locator", text: "Page or section (optional)" }),
          element("br"),
          locator,
        ]),
        element("p", {}, [
          narrative,
          element("label", { for: "citation-narrative", text: " The authors are named in my sentence: Norcross and Lambert (2018)" }),
        ]),
        element("div", { class: "citation-dialog__actions" }, [
          element("button", { type: "submit", class: "button", text: "Insert citation" }),
          element("button", { type: "button", class: "button button-secondary", value: "cancel", text: "Cancel" }),
        ]),
      );
      form.querySelector('button[value="cancel"]').addEventListener("click", () => finish(null));
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const chosen = form.querySelector('input[name="citation-ref"]:checked');
        const reference = forms.find((item) => chosen && item.key === chosen.value);
        if (!reference) return;
        finish({
          ref: reference.key,
          locator: locator.value.trim(),
          narrative: narrative.checked,
          label: citationLabel(reference, locator.value, narrative.checked),
        });
      });
    }
    dialog.addEventListener("cancel", () => finish(null));
    document.body.append(dialog);
    dialog.showModal();
  }

  /* Where an existing citation entity sits, so that editing replaces it. */
  function entitySelection(editorState, entityKey) {
    const selection = editorState.getSelection();
    const block = editorState.getCurrentContent().getBlockForKey(selection.getAnchorKey());
    let found = null;
    if (block) {
      block.findEntityRanges(
        (character) => character.getEntity() === entityKey,
        (start, end) => {
          found = SelectionState.createEmpty(block.getKey()).merge({ anchorOffset: start, focusOffset: end });
        },
      );
    }
    return found || selection;
  }

  class CitationSource extends React.Component {
    componentDidMount() {
      const { editorState, entity, entityKey, entityType, onComplete, onClose } = this.props;
      const current = entity ? entity.getData() : {};
      openCitationDialog(
        current,
        (choice) => {
          const content = editorState.getCurrentContent().createEntity(entityType.type, "IMMUTABLE", {
            ref: choice.ref,
            locator: choice.locator,
            narrative: choice.narrative,
          });
          const newKey = content.getLastCreatedEntityKey();
          let target = content;
          let selection = entity ? entitySelection(editorState, entityKey) : editorState.getSelection();
          if (!entity) {
            // Selected words are what the citation supports: keep them, cite after them.
            const offset = selection.getEndOffset();
            selection = SelectionState.createEmpty(selection.getEndKey()).merge({ anchorOffset: offset, focusOffset: offset });
            const before = target.getBlockForKey(selection.getStartKey()).getText().charAt(offset - 1);
            if (before && !/[\s(]/.test(before)) {
              target = Modifier.insertText(target, selection, " ");
              selection = selection.merge({ anchorOffset: offset + 1, focusOffset: offset + 1 });
            }
          }
          const replaced = Modifier.replaceText(target, selection, choice.label, null, newKey);
          const next = EditorState.push(editorState, replaced, "insert-characters");
          onComplete(EditorState.forceSelection(next, replaced.getSelectionAfter()));
        },
        onClose,
      );
    }

    render() {
      return null;
    }
  }

  function Citation(props) {
    const { entityKey, contentState, children, onEdit } = props;
    const data = contentState.getEntity(entityKey).getData();
    const known = referenceForms().some((form) => form.key === data.ref);
    return React.createElement(
      "span",
      {
        className: known ? "citation-entity" : "citation-entity citation-entity--missing",
        title: known ? "Citation: click to change" : "The reference this citation points to has been deleted",
        onClick: () => onEdit && onEdit(entityKey),
      },
      children,
    );
  }

  window.draftail.registerPlugin({ type: "CITATION", source: CitationSource, decorator: Citation }, "entityTypes");

  function showFieldsForKind(select) {
    const prefix = select.name.slice(0, -"kind".length);
    const wanted = new Set([...COMMON, ...(FIELDS_BY_KIND[select.value] || ALL_OPTIONAL)]);
    ALL_OPTIONAL.forEach((name) => {
      const input = document.querySelector(`[name="${prefix}${name}"]`);
      const wrapper = input && input.closest(".w-panel__wrapper");
      if (wrapper) wrapper.hidden = !wanted.has(name);
    });
  }

  function prepareReferenceForms() {
    ensureUniqueKeys();
    document.querySelectorAll('select[name^="references-"][name$="-kind"]').forEach((select) => {
      if (select.name.includes("__prefix__")) return;
      showFieldsForKind(select);
    });
  }

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.matches && target.matches('select[name^="references-"][name$="-kind"]')) showFieldsForKind(target);
  });
  document.addEventListener("w-formset:added", () => prepareReferenceForms());
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", prepareReferenceForms);
  else prepareReferenceForms();
})();
