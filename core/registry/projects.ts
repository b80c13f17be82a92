import { ConflictError, NotFoundError } from '../contract/index.js';
import type { Project } from '../contract/index.js';
import { appendAudit } from './audit.js';
import type { RegistryDb } from './database.js';
import { newId, now } from './ids.js';

interface ProjectRow {
  id: string;
  name: string;
  created_at: string;
}

const toProject = (r: ProjectRow): Project => ({ id: r.id, name: r.name, createdAt: r.created_at });

export function createProject(db: RegistryDb, name: string, actor: string): Project {
  const create = db.transaction((): Project => {
    const existing = db.prepare('SELECT id FROM projects WHERE name = ?').get(name);
    if (existing)
      throw new ConflictError(`A project named "${name}" already exists; choose another name.`, { name });
    const project: Project = { id: newId('prj'), name, createdAt: now() };
    db.prepare('INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)').run(
      project.id,
      name,
      project.createdAt,
    );
    appendAudit(db, { actor, action: 'project.created', subjectId: project.id, details: { name } });
    return project;
  });
  return create.immediate();
}

export function listProjects(db: RegistryDb): Project[] {
  return (
    db.prepare('SELECT id, name, created_at FROM projects ORDER BY created_at, id').all() as ProjectRow[]
  ).map(toProject);
}

export function getProject(db: RegistryDb, id: string): Project {
  const row = db.prepare('SELECT id, name, created_at FROM projects WHERE id = ?').get(id) as
    ProjectRow | undefined;
  if (!row) throw new NotFoundError(`No project with id ${id}.`, { projectId: id });
  return toProject(row);
}

/** Finds a project by id or by name (the CLI takes either). */
export function findProject(db: RegistryDb, idOrName: string): Project {
  const row = db
    .prepare(
      'SELECT id, name, created_at FROM projects WHERE id = ? OR name = ? ORDER BY id = ? DESC LIMIT 1',
    )
    .get(idOrName, idOrName, idOrName) as ProjectRow | undefined;
  if (!row)
    throw new NotFoundError(
      `No project named or with id "${idOrName}". List them with \`orchard projects ls\`.`,
    );
  return toProject(row);
}
