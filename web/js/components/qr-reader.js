// Reads a QR code off a camera picture with the vendored zxing-wasm reader (web/vendor/
// zxing/, copied by `make vendor`; MIT). Its WebAssembly is served by Haven itself, never
// fetched from a CDN, so scanning works on a closed network.
let loading = null;

function loadReader() {
  if (!loading) {
    loading = new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = '/vendor/zxing/zxing-reader.js';
      s.onload = () => {
        const z = window.ZXingWASM;
        if (!z) { resolve(null); return; }
        z.prepareZXingModule({ overrides: { locateFile: (path) => `/vendor/zxing/${path}` }, fireImmediately: true })
          .then(() => resolve(z), () => resolve(null));
      };
      s.onerror = () => resolve(null);
      document.head.append(s);
    });
  }
  return loading;
}

// Whether the reader can be used here (it loads once; false when the files are missing).
export async function qrReaderReady() {
  return Boolean(await loadReader());
}

// The text of the first QR code on the canvas, or null when none can be read.
export async function readQr(canvas) {
  const z = await loadReader();
  if (!z || !canvas) return null;
  const image = canvas.getContext('2d', { willReadFrequently: true }).getImageData(0, 0, canvas.width, canvas.height);
  const found = await z.readBarcodes(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
  const hit = found.find((r) => r.isValid && r.text);
  return hit ? hit.text : null;
}
