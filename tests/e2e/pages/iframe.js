// The host side of web/embed.html's height messages, as the README's snippet does it; each height is logged.
window.addEventListener('message', (event) => {
  if (event.data?.type !== 'attention-playground:height') return;
  const frame = document.getElementById('embed');
  if (frame.contentWindow !== event.source) return;
  frame.height = event.data.height;
  document.getElementById('heights').textContent += `${event.data.height}\n`;
});
