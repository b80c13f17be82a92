import type { Project } from '../../../core/contract/schemas.js';
import type { SliceCreator } from './types.js';

export interface ProjectsSlice {
  projects: readonly Project[];
  selectedProjectId: string | null;
  loadProjects(): Promise<void>;
  /** Resolves true when the project was made (and selected). */
  createProject(name: string): Promise<boolean>;
  selectProject(projectId: string): void;
}

export const createProjectsSlice: SliceCreator<ProjectsSlice> =
  ({ api }) =>
  (set, get) => ({
    projects: [],
    selectedProjectId: null,
    loadProjects: async () => {
      try {
        const projects = await api.projects.list();
        set({ projects });
        const selected = get().selectedProjectId;
        const first = projects[0];
        if (selected === null && first) get().selectProject(first.id);
        else if (selected !== null) await get().loadDatasets(selected);
      } catch (error) {
        get().reportError(error);
      }
    },
    createProject: async (name) => {
      try {
        const project = await api.projects.create({ name });
        set((state) => ({ projects: [...state.projects, project] }));
        get().selectProject(project.id);
        return true;
      } catch (error) {
        get().reportError(error);
        return false;
      }
    },
    selectProject: (projectId) => {
      if (get().selectedProjectId === projectId) return;
      set({ selectedProjectId: projectId, selectedVersionId: null });
      void get().loadDatasets(projectId);
    },
  });
