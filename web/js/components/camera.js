// The device camera inside the page (getUserMedia): a live picture to take a person's
// photo from, or to read a registration card's QR code off. The camera light goes off
// as soon as the picture is no longer needed: stopCamera, or leaving the page.
import { h } from '../dom.js';

// Whether this browser can show a camera at all (a secure context with a camera API).
export function cameraAvailable() {
  return Boolean(navigator.mediaDevices?.getUserMedia) && window.isSecureContext;
}

// Starts the camera into video. facing 'user' (a face at the desk) or 'environment' (a
// card held up to a phone's back camera). Rejects with the browser's error (NotAllowedError
// when refused, NotFoundError when there is none) for the caller to explain.
export async function startCamera(video, { facing = 'user' } = {}) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: false, video: { facingMode: { ideal: facing }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
  video.srcObject = stream;
  video.muted = true;
  video.setAttribute('playsinline', '');
  await video.play();
  // The page may change while the camera runs: stop it then, not when the tab closes.
  const stopOnLeave = () => { stopCamera(video); window.removeEventListener('popstate', stopOnLeave); };
  window.addEventListener('popstate', stopOnLeave);
  return stream;
}

export function stopCamera(video) {
  const stream = video?.srcObject;
  if (stream) for (const track of stream.getTracks()) track.stop();
  if (video) video.srcObject = null;
}

// The picture the camera shows now, drawn on a canvas at most maxEdge pixels on its
// longer side (null before the first frame arrives).
export function grabFrame(video, maxEdge = 1280) {
  const w = video.videoWidth, hgt = video.videoHeight;
  if (!w || !hgt) return null;
  const scale = Math.min(1, maxEdge / Math.max(w, hgt));
  const canvas = h('canvas', { width: Math.round(w * scale), height: Math.round(hgt * scale) });
  canvas.getContext('2d', { willReadFrequently: true }).drawImage(video, 0, 0, canvas.width, canvas.height);
  return canvas;
}

// The translation key that explains why the camera did not start.
export function cameraErrorKey(err) {
  if (err?.name === 'NotAllowedError' || err?.name === 'SecurityError') return 'camera.denied';
  if (err?.name === 'NotFoundError' || err?.name === 'OverconstrainedError') return 'camera.none';
  if (err?.name === 'NotReadableError') return 'camera.busy';
  return 'camera.failed';
}
