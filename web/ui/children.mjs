// Views keep their elements from one drawing to the next: a keystroke changes a token or two, and rebuilding
// every element made the next frame restyle and lay out all of them again.

// The view `create()` made for `container` before (in `views`, a WeakMap), if it is still what the container
// shows; else a new one, put in the container. A view is { element, update(props) }.
export function keptView(views, container, create) {
  let view = views.get(container);
  if (!view || view.element.parentNode !== container) {
    view = create();
    views.set(container, view);
    container.replaceChildren(view.element);
  }
  return view;
}

// The children of `parent`, made to be `count` of them: those past it removed, new ones from make(i) appended.
export function keepChildren(parent, count, make) {
  while (parent.children.length > count) parent.lastElementChild.remove();
  while (parent.children.length < count) parent.append(make(parent.children.length));
  return [...parent.children];
}

// Shows or hides `element`, writing the attribute only when it changes.
export function setHidden(element, hidden) {
  if (element.hidden !== hidden) element.hidden = hidden;
}

// Sets `element`'s text only when it changed (a write, even of the same text, makes it be laid out again).
export function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

// Sets an attribute only when it changed (Chromium restyles an element whose attribute is set, even to its value).
export function setAttribute(element, name, value) {
  const text = String(value);
  if (element.getAttribute(name) !== text) element.setAttribute(name, text);
}

// Sets a custom property of `element`'s style only when it changed: a write, even of the same value, restyles the
// element, and every element inside where the property is inherited (views.css registers the views' sizes as
// not inherited).
export function setStyleProperty(element, name, value) {
  const text = String(value);
  if (element.style.getPropertyValue(name) !== text) element.style.setProperty(name, text);
}
