/*
 * The interactive 3D preview. Only ever loaded by a dynamic import from
 * point-cloud-toggle.ts, so three.js stays out of the first page's bundle.
 */
import {
  PerspectiveCamera,
  Points,
  PointsMaterial,
  Scene,
  SRGBColorSpace,
  Vector3,
  WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { PLYLoader } from 'three/addons/loaders/PLYLoader.js';

export interface PointCloudViewer {
  dispose(): void;
}

export interface ViewerOptions {
  /** Accessible name of the canvas, which takes keyboard focus. */
  label: string;
  /** Horizontal field of view the cloud was built with, so the first view matches the photo. */
  fov: number;
  /** The photo's width / height. */
  aspect: number;
}

/** A small turn away from the photo's own viewpoint on opening, so the depth shows at once. */
const OPENING_TURN = 0.35;

/**
 * Renders the PLY (camera at the origin looking down -z, y up) into host,
 * orbiting the cloud's centre. Renders on demand, so an idle preview costs nothing.
 */
export function createPointCloudViewer(
  host: HTMLElement,
  ply: ArrayBuffer,
  { label, fov, aspect }: ViewerOptions,
): PointCloudViewer {
  const geometry = new PLYLoader().parse(ply);
  geometry.computeBoundingSphere();
  const sphere = geometry.boundingSphere!;
  // Point size in world units: a little over the gap between neighbours, which
  // grows with distance exactly as perspective shrinks it.
  const count = Math.max(1, geometry.getAttribute('position').count);
  const tanHalf = Math.tan((fov * Math.PI) / 360);
  const spacing = (2 * tanHalf) / Math.sqrt(count * aspect);
  const material = new PointsMaterial({ size: spacing * 1.6, vertexColors: true });
  const scene = new Scene();
  scene.add(new Points(geometry, material));

  const verticalFov = (2 * Math.atan(tanHalf / aspect) * 180) / Math.PI;
  const camera = new PerspectiveCamera(verticalFov, aspect, 0.01, sphere.radius * 20 + 100);
  const target = sphere.center.clone();
  camera.position.copy(
    new Vector3()
      .sub(target)
      .applyAxisAngle(new Vector3(0, 1, 0), OPENING_TURN)
      .add(target),
  );
  camera.lookAt(target);

  // Throws when WebGL is unavailable; the toggle explains that to the user.
  const renderer = new WebGLRenderer({ antialias: true, alpha: true });
  renderer.outputColorSpace = SRGBColorSpace;
  renderer.setPixelRatio(Math.min(2, window.devicePixelRatio || 1));
  const canvas = renderer.domElement;
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  canvas.classList.add('point-cloud-canvas');
  host.replaceChildren(canvas);

  const controls = new OrbitControls(camera, canvas);
  controls.target.copy(target);
  controls.listenToKeyEvents(canvas);
  controls.update();
  const render = () => renderer.render(scene, camera);
  controls.addEventListener('change', render);

  const resize = () => {
    const { width, height } = host.getBoundingClientRect();
    if (width === 0 || height === 0) return;
    renderer.setSize(width, height, false);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
    render();
  };
  const observer = new ResizeObserver(resize);
  observer.observe(host);
  resize();

  return {
    dispose() {
      observer.disconnect();
      controls.dispose();
      geometry.dispose();
      material.dispose();
      renderer.dispose();
      // Browsers allow only a few live WebGL contexts; give this one back now, not at GC.
      renderer.forceContextLoss();
      canvas.remove();
    },
  };
}
