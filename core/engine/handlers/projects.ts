import { createProject, listProjects } from '../../registry/index.js';
import type { EngineParts, HandlerMap } from '../parts.js';

export function projectHandlers(parts: EngineParts): HandlerMap<'projects.create' | 'projects.list'> {
  return {
    'projects.create': ({ name }) => createProject(parts.db, name, parts.actor),
    'projects.list': () => listProjects(parts.db),
  };
}
