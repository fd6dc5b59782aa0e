// A small tooltip beside a point of a view: the exact weight of a heatmap cell or of a beams key, where the
// finger or the pointer is (on a phone there is no hover, and the readout under the view may be off-screen).
// Visual only (aria-hidden): each view also writes the same text into its live readout. The tip stays inside
// the part of its container in view, above the point, or below it near the container's top.
export function createTip(container) {
  const tip = document.createElement('div');
  tip.className = 'tip';
  tip.setAttribute('aria-hidden', 'true');
  tip.hidden = true;
  container.append(tip);
  return {
    // x: the middle of what the tip is about, top and bottom its edges, in the container's own coordinates.
    show(text, x, top, bottom = top, gap = 6) {
      tip.textContent = text;
      tip.hidden = false;
      // Within the part of the container in view (it may scroll sideways).
      const width = tip.offsetWidth, height = tip.offsetHeight, from = container.scrollLeft;
      const left = Math.max(from, Math.min(from + container.clientWidth - width, x - width / 2));
      const y = top - gap - height >= 0 ? top - gap - height : bottom + gap;
      tip.style.transform = `translate(${left}px, ${y}px)`;
    },
    hide() { tip.hidden = true; },
  };
}
