import { createClient } from '../../../core/contract/client.js';
import type { ClientTransport, OrchardApi } from '../../../core/contract/client.js';
import type { DesktopBridge } from '../../../core/contract/bridge.js';
import { createWebSocketTransport } from './websocket-transport.js';
import type { ConnectionStatus } from './websocket-transport.js';
import { uploadFile } from './upload.js';

/** How the page gets a file's path the engine may read; differs between desktop and browser. */
export interface FileAccess {
  readonly mode: 'desktop' | 'browser';
  /** Desktop only: the native open dialog. Null when the user cancelled. */
  pickDataFile(): Promise<string | null>;
  /** Desktop only: the native open-folder dialog for an image folder. Null when cancelled. */
  pickImageFolder(): Promise<string | null>;
  /** A File from an `<input type=file>` or a drop, turned into a path on the engine's side. */
  pathForFile(file: File): Promise<string>;
}

export interface Connection {
  readonly api: OrchardApi;
  readonly files: FileAccess;
}

export interface ConnectionCallbacks {
  onStatus(status: ConnectionStatus): void;
  onReconnected(): void;
}

function bridgeTransport(bridge: DesktopBridge): ClientTransport {
  return {
    request: (method, params) => bridge.request(method, params),
    onEvent: (listener) => bridge.onEvent(listener),
  };
}

/** Electron when the preload exposed `window.orchard`; otherwise browser mode over the same origin. */
export function connect(callbacks: ConnectionCallbacks): Connection {
  const bridge = window.orchard;
  if (bridge) {
    callbacks.onStatus('open');
    return {
      api: createClient(bridgeTransport(bridge)),
      files: {
        mode: 'desktop',
        pickDataFile: () => bridge.pickDataFile(),
        pickImageFolder: () => bridge.pickImageFolder(),
        pathForFile: (file) => bridge.grantDroppedFile(file),
      },
    };
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const transport = createWebSocketTransport({
    url: `${scheme}//${window.location.host}/rpc`,
    probeUrl: new URL('./', window.location.href).href,
    onStatus: callbacks.onStatus,
    onReconnected: callbacks.onReconnected,
  });
  return {
    api: createClient(transport),
    files: {
      mode: 'browser',
      pickDataFile: () => Promise.resolve(null),
      pickImageFolder: () => Promise.resolve(null),
      pathForFile: uploadFile,
    },
  };
}
