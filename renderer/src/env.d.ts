import type { DesktopBridge } from '../../core/contract/bridge.js';

declare global {
  interface Window {
    /** Present only inside the Electron app, exposed by the preload script. */
    readonly orchard?: DesktopBridge;
  }
}
