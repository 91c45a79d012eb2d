import type { Page, PageRequest } from '../shared/page.js';
import type { ScriptLanguage } from '../workers/workers.js';

/**
 * User scripts: pipeline workers written by users in JavaScript or TypeScript, run in the
 * sandbox of src/workers. Every change of source is a new revision; old ones stay readable so a
 * trace can say which revision decoded an uplink.
 */
export interface Script {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  language: ScriptLanguage;
  /** The current revision (1 for a new script). */
  revision: number;
  createdAt: number;
  updatedAt: number;
}

export interface ScriptRevision {
  scriptId: string;
  revision: number;
  language: ScriptLanguage;
  source: string;
  createdBy: string | null;
  createdAt: number;
}

export interface ScriptStore {
  insert(script: Script, first: ScriptRevision): Promise<void>;
  /** Saves a new revision and makes it current, with the script's other changes. */
  update(script: Script, next?: ScriptRevision): Promise<void>;
  delete(orgId: string, id: string): Promise<boolean>;
  /** By id or by name. */
  find(orgId: string, idOrName: string): Promise<Script | undefined>;
  list(orgId: string, page: PageRequest): Promise<Page<Script>>;
  revision(scriptId: string, revision: number): Promise<ScriptRevision | undefined>;
  revisions(scriptId: string, page: PageRequest): Promise<Page<ScriptRevision>>;
}
