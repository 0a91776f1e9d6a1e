// Saves a chart as a PNG drawn on the page background, so it reads outside the app too: Chart.js
// canvases directly, SVG charts by rendering them into a canvas first.
import { saveFile } from '../save-file.ts';

function pageBackground(): string {
  return getComputedStyle(document.body).backgroundColor || '#ffffff';
}

/** Saves a canvas (a Chart.js chart) as a PNG. */
export function saveCanvasPng(source: HTMLCanvasElement, fileName: string): void {
  const copy = document.createElement('canvas');
  copy.width = source.width;
  copy.height = source.height;
  const context = copy.getContext('2d');
  if (!context) return;
  context.fillStyle = pageBackground();
  context.fillRect(0, 0, copy.width, copy.height);
  context.drawImage(source, 0, 0);
  copy.toBlob((blob) => blob && saveFile(fileName, blob), 'image/png');
}

/**
 * Saves an SVG element as a PNG at twice its on-screen size. The SVG must draw with presentation
 * attributes (no stylesheet reaches an SVG loaded as an image); `currentColor` becomes the text colour.
 */
export async function saveSvgPng(source: SVGSVGElement, fileName: string): Promise<void> {
  const { width, height } = source.getBoundingClientRect();
  const scale = 2;
  const copy = source.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  copy.setAttribute('color', getComputedStyle(source).color);
  copy.setAttribute('font-family', getComputedStyle(source).fontFamily);
  const image = new Image();
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the chart could not be drawn as an image'));
  });
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(copy))}`;
  await loaded;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas to draw the chart on');
  context.fillStyle = pageBackground();
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the chart could not be encoded as a PNG');
  saveFile(fileName, blob);
}
