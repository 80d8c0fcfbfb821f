const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;

/**
 * Photos come from the picker, a drop anywhere on the page, or a paste. The
 * whole window takes drops because a photo dropped a little outside the zone
 * would otherwise be opened by the browser, leaving the page.
 */
export function dropZone(
  zone: HTMLElement,
  input: HTMLInputElement,
  take: (files: File[]) => void,
) {
  input.addEventListener('change', () => {
    if (input.files?.length) take([...input.files]);
    // Lets the same photo be picked again later.
    input.value = '';
  });

  let depth = 0;
  const highlight = (on: boolean) => zone.classList.toggle('dragging', on);
  window.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    depth++;
    highlight(true);
  });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) highlight(false);
  });
  window.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  });
  window.addEventListener('drop', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth = 0;
    highlight(false);
    const files = [...(event.dataTransfer?.files ?? [])];
    if (files.length) take(files);
  });
  window.addEventListener('paste', (event) => {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    event.preventDefault();
    take(files);
  });
}
