// Runs `then` right after the next frame (its paint included), or after 100 ms if no frame comes (a page in the
// background gets none): work that must not hold up the frame showing what was just drawn.
export function afterFirstFrame(then) {
  let done = false;
  const once = () => { if (!done) done = true, then(); };
  const timer = setTimeout(once, 100);
  requestAnimationFrame(() => setTimeout(() => { clearTimeout(timer); once(); }, 0));
}
