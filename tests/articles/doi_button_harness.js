/*
 * Runs static/js/articles-doi.js against a tiny fake DOM (no jsdom here) and prints what
 * it did as JSON, for tests/articles/test_doi_button.py. argv: script path, scenario.
 */
"use strict";
const fs = require("fs");
const vm = require("vm");

const [scriptPath, scenario] = process.argv.slice(2);

function fakeElement(tag, attributes = {}) {
  const listeners = {};
  return {
    tagName: tag.toUpperCase(),
    type: "",
    value: "",
    textContent: "",
    dataset: {},
    attributes: {},
    events: [],
    following: [],
    disabled: false,
    classList: {
      names: new Set(),
      add(name) { this.names.add(name); },
      remove(name) { this.names.delete(name); },
    },
    ...attributes,
    setAttribute(name, value) { this.attributes[name] = value; },
    addEventListener(type, handler) { listeners[type] = handler; },
    click() { return listeners.click(); },
    after(...nodes) { this.following.push(...nodes); },
    dispatchEvent(event) { this.events.push(event.type); },
  };
}

const prefix = "references-0-";
const names = ["kind", "authors", "year", "title", "container", "volume", "issue", "pages", "doi", "url", "accessed"];
const fields = Object.fromEntries(names.map((name) => [name, fakeElement("input", { name: prefix + name, id: `id_${prefix}${name}` })]));
fields.kind.value = "book";
fields.title.value = "Typed by hand";
fields.doi.value = "doi:10.1037/pst0000193";
const template = fakeElement("input", { name: "references-__prefix__-doi" });

const document = {
  readyState: "complete",
  currentScript: { dataset: { lookupUrl: "/admin/articles/doi-lookup/" } },
  querySelectorAll(selector) {
    return selector.includes('$="-doi"') ? [template, fields.doi] : [];
  },
  querySelector(selector) {
    const match = selector.match(/^\[name="(.*)"\]$/);
    return match ? Object.values(fields).find((field) => field.name === match[1]) || null : null;
  },
  createElement: (tag) => fakeElement(tag),
  addEventListener() {},
};

const requests = [];
const answers = {
  success: { ok: true, status: 200, body: { fields: { kind: "journal", authors: "Norcross, John C.\nLambert, Michael J.", year: "2018", title: "Psychotherapy relationships that work III", container: "Psychotherapy", volume: "55", issue: "4", pages: "303-315", doi: "https://doi.org/10.1037/pst0000193", url: "", accessed: "" } } },
  unknown: { ok: false, status: 404, body: { error: "No metadata was found for this DOI." } },
};
async function fetch(url, options) {
  requests.push({ url, credentials: options.credentials });
  const answer = answers[scenario];
  return { ok: answer.ok, status: answer.status, json: async () => answer.body };
}

const context = vm.createContext({ document, fetch, URLSearchParams, Event: class { constructor(type) { this.type = type; } } });
vm.runInContext(fs.readFileSync(scriptPath, "utf8"), context);

(async () => {
  const [button, status] = fields.doi.following;
  await button.click();
  process.stdout.write(JSON.stringify({
    templateHasButton: template.following.length > 0,
    button: { tag: button.tagName, type: button.type, text: button.textContent, describedBy: button.attributes["aria-describedby"] },
    status: { text: status.textContent, id: status.id, role: status.attributes.role, error: status.classList.names.has("error-message") },
    requests,
    values: Object.fromEntries(names.map((name) => [name, fields[name].value])),
    events: fields.kind.events,
  }));
})();
