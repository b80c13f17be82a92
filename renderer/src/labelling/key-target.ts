import { createContext, useContext, useEffect, useRef } from 'react';
import type { RefObject } from 'react';
import { AppContext } from '../store/app-store.js';
import type { AppStore } from '../store/app-store.js';
import type { LabelCommand } from './keymap.js';

/** What the part of the view that has the keyboard does with a command. */
export type KeyHandler = (command: LabelCommand, event: KeyboardEvent) => void;

/**
 * The labelling view listens once on the window and hands each command to whichever part has the
 * keyboard (focus, grid or review); that part registers itself here while it is active.
 */
export const KeyTargetContext = createContext<RefObject<KeyHandler | null> | null>(null);

export function useKeyTarget(handler: KeyHandler, active: boolean): void {
  const target = useContext(KeyTargetContext);
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!target || !active) return undefined;
    const forward: KeyHandler = (command, event) => latest.current(command, event);
    target.current = forward;
    return () => {
      if (target.current === forward) target.current = null;
    };
  }, [target, active]);
}

/** The store itself, for key handlers that must read the state as it is at the key press. */
export function useStore(): AppStore {
  const value = useContext(AppContext);
  if (value === null) throw new Error('useStore must be used inside <AppContext.Provider>.');
  return value.store;
}
