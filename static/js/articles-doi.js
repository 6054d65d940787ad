/*
 * Article editor: a "Fill from DOI" button next to each reference's DOI field.
 *
 * The button asks the admin's lookup endpoint (its address is this script's
 * data-lookup-url) for the reference's metadata and fills the reference's fields for the
 * editor to check before saving. On a failure it shows the message and changes nothing.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  const lookupUrl = script && script.dataset.lookupUrl;
  if (!lookupUrl) return;

  const DOI_INPUTS = 'input[name^="references-"][name$="-doi"]';

  function prefixOf(input) {
    return input.name.slice(0, -"doi".length);
  }

  function setField(prefix, name, value) {
    const field = document.querySelector(`[name="${prefix}${name}"]`);
    if (!field || field.type === "hidden") return;
    field.value = value;
    // Let Wagtail notice the change (unsaved-changes warning) and the kind select show its fields.
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fill(prefix, fields) {
    Object.entries(fields).forEach(([name, value]) => setField(prefix, name, value));
  }

  async function lookUp(input, button, status) {
    const doi = input.value.trim();
    status.classList.remove("error-message");
    if (!doi) {
      status.textContent = "Type or paste the DOI first.";
      status.classList.add("error-message");
      return;
    }
    button.disabled = true;
    status.textContent = "Looking up the DOI…";
    try {
      const response = await fetch(`${lookupUrl}?${new URLSearchParams({ doi })}`, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok || !data.fields) {
        status.textContent = data.error || "The lookup failed. Fill in the fields by hand.";
        status.classList.add("error-message");
        return;
      }
      fill(prefixOf(input), data.fields);
      status.textContent = "Filled from the DOI's metadata: check every field before saving.";
    } catch (error) {
      status.textContent = "The lookup could not be made. Check your connection and try again.";
      status.classList.add("error-message");
    } finally {
      button.disabled = false;
    }
  }

  function addButton(input) {
    if (input.name.includes("__prefix__") || input.dataset.doiLookup) return;
    input.dataset.doiLookup = "ready";
    const status = document.createElement("p");
    status.className = "help doi-lookup__status";
    status.id = `${input.id || input.name}-lookup-status`;
    status.setAttribute("role", "status");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button button-small button-secondary doi-lookup__button";
    button.textContent = "Fill from DOI";
    button.setAttribute("aria-describedby", status.id);
    button.addEventListener("click", () => lookUp(input, button, status));
    input.after(button, status);
  }

  function prepare() {
    document.querySelectorAll(DOI_INPUTS).forEach(addButton);
  }

  document.addEventListener("w-formset:added", prepare);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", prepare);
  else prepare();
})();
