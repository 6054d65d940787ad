// Just enough of the DOM for static/js/hours.js's update(), built from a JSON tree
// ([tag, {attributes}, ...children] or "text") of the page the server rendered.
"use strict";

class Text {
    constructor(text) { this.text = text; this.parentNode = null; }
    get textContent() { return this.text; }
}

class Element {
    constructor(tag, attributes) {
        this.tagName = tag;
        this.attributes = Object.assign({}, attributes);
        this.children = [];
        this.parentNode = null;
        const element = this;
        this.classList = {
            toggle(name, on) {
                const names = new Set((element.attributes.class || "").split(" ").filter(Boolean));
                if (on) names.add(name); else names.delete(name);
                element.attributes.class = [...names].join(" ");
            },
            contains(name) { return (element.attributes.class || "").split(" ").includes(name); },
        };
        this.dataset = new Proxy({}, {
            get(target, key) {
                const name = "data-" + String(key).replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());
                return element.attributes[name];
            },
        });
    }
    get hidden() { return "hidden" in this.attributes; }
    set hidden(on) { if (on) this.attributes.hidden = ""; else delete this.attributes.hidden; }
    set className(name) { this.attributes.class = name; }
    get textContent() { return this.children.map((child) => child.textContent).join(""); }
    set textContent(text) { this.children = []; this.append(text); }
    setAttribute(name, value) { this.attributes[name] = String(value); }
    removeAttribute(name) { delete this.attributes[name]; }
    getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
    append(...nodes) {
        for (const node of nodes) {
            const child = typeof node === "string" ? new Text(node) : node;
            child.parentNode = this;
            this.children.push(child);
        }
    }
    remove() {
        this.parentNode.children = this.parentNode.children.filter((child) => child !== this);
        this.parentNode = null;
    }
    matches(selector) {
        if (selector === "*") return true;
        const match = /^(\w*)(?:\.([\w-]+))?(?:\[([\w-]+)\])?$/.exec(selector);
        if (!match) throw new Error("selector not supported: " + selector);
        const [, tag, className, attribute] = match;
        return (!tag || this.tagName === tag) &&
            (!className || this.classList.contains(className)) &&
            (!attribute || attribute in this.attributes);
    }
    querySelectorAll(selector) {
        const found = [];
        const walk = (element) => {
            for (const child of element.children) {
                if (child instanceof Element) {
                    if (child.matches(selector)) found.push(child);
                    walk(child);
                }
            }
        };
        walk(this);
        return found;
    }
    querySelector(selector) { return this.querySelectorAll(selector)[0] || null; }
}

function build(node) {
    if (typeof node === "string") return new Text(node);
    const [tag, attributes, ...children] = node;
    const element = new Element(tag, attributes);
    element.append(...children.map(build));
    return element;
}

function toTree(node) {
    if (node instanceof Text) return node.text;
    return [node.tagName, node.attributes, ...node.children.map(toTree)];
}

function documentFor(tree) {
    const root = build(tree);
    return {
        root,
        createElement: (tag) => new Element(tag, {}),
        querySelectorAll: (selector) => root.querySelectorAll(selector),
        getElementById: (id) => root.querySelectorAll("*").find((e) => e.attributes.id === id) || null,
    };
}

module.exports = { documentFor, toTree };
