// The page's status line: what was computed, or what went wrong (shown as an error).
const line = document.getElementById('status');

export function say(text, isError = false) {
  line.textContent = text;
  line.classList.toggle('error', isError);
}
