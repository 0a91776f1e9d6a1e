// Types the renderer sees from its hosts: the preload bridge, when running inside Electron.
import type { TrainDeckBridge } from '../../shared/ipc/bridge.ts';

declare global {
  interface Window {
    /** Present only inside the Electron app (exposed by the preload script). */
    traindeck?: TrainDeckBridge;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
