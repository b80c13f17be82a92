import { createContext, useContext } from 'react';
import { create } from 'zustand';
import type { StoreApi, UseBoundStore } from 'zustand';
import { createDatasetsSlice } from './datasets-slice.js';
import { createGridSlice } from './grid-slice.js';
import { createJobsSlice } from './jobs-slice.js';
import { createLabelsSlice } from './labels-slice.js';
import { createProjectsSlice } from './projects-slice.js';
import { createSessionSlice } from './session-slice.js';
import { createTrainingSlice } from './training-slice.js';
import { createValidationSlice } from './validation-slice.js';
import type { AppState, StoreDeps } from './types.js';

export type AppStore = UseBoundStore<StoreApi<AppState>>;

/** One store from the slices; each slice's actions reach the engine through `deps`. */
export function createAppStore(deps: StoreDeps): AppStore {
  return create<AppState>()((...args) => ({
    ...createSessionSlice(deps)(...args),
    ...createProjectsSlice(deps)(...args),
    ...createDatasetsSlice(deps)(...args),
    ...createJobsSlice(deps)(...args),
    ...createGridSlice(deps)(...args),
    ...createValidationSlice(deps)(...args),
    ...createTrainingSlice(deps)(...args),
    ...createLabelsSlice(deps)(...args),
  }));
}

interface AppContextValue {
  readonly store: AppStore;
  readonly deps: StoreDeps;
}

export const AppContext = createContext<AppContextValue | null>(null);

function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (value === null) throw new Error('useApp must be used inside <AppContext.Provider>.');
  return value;
}

/** Read from the store with a selector (re-renders only when the selected value changes). */
export function useApp<T>(selector: (state: AppState) => T): T {
  return useAppContext().store(selector);
}

/** The api client and file access, for components that talk to the engine directly (the grid). */
export function useDeps(): StoreDeps {
  return useAppContext().deps;
}
