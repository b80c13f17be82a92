import type { StateCreator } from 'zustand';
import type { OrchardApi } from '../../../core/contract/client.js';
import type { FileAccess } from '../api/connect.js';
import type { SessionSlice } from './session-slice.js';
import type { ProjectsSlice } from './projects-slice.js';
import type { DatasetsSlice } from './datasets-slice.js';
import type { JobsSlice } from './jobs-slice.js';
import type { GridSlice } from './grid-slice.js';
import type { ValidationSlice } from './validation-slice.js';
import type { TrainingSlice } from './training-slice.js';
import type { LabelsSlice } from './labels-slice.js';

export type AppState = SessionSlice &
  ProjectsSlice &
  DatasetsSlice &
  JobsSlice &
  GridSlice &
  ValidationSlice &
  TrainingSlice &
  LabelsSlice;

/** What actions reach outside the store through. */
export interface StoreDeps {
  readonly api: OrchardApi;
  readonly files: FileAccess;
}

export type SliceCreator<Slice> = (deps: StoreDeps) => StateCreator<AppState, [], [], Slice>;
