import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';
import { MALFORMED_TEXT } from '../shared/json.js';
import { digestSecret } from '../shared/secrets.js';

/**
 * Pipeline names for `POST /api/uplinks/{pipeline}` (docs/pipelines.md: the API accepts a
 * pipeline's name wherever an id goes). A name is unique only within its organisation, so it
 * is resolved either in the caller's organisation (API key, session) or together with the
 * ingest token: the pipeline of that name whose token it is.
 */
export interface PipelineNames {
  /** The id of the organisation's pipeline called `name`. */
  inOrg(orgId: string, name: string): Promise<string | undefined>;
  /** The id of the pipeline called `name` whose ingest token is `token`. */
  withToken(name: string, token: string): Promise<string | undefined>;
}

/** A name no pipeline can have: the API refuses NUL and lone surrogates (PostgreSQL cannot store them). */
const unstorable = (text: string) => MALFORMED_TEXT.test(text);

export class KyselyPipelineNames implements PipelineNames {
  constructor(private readonly db: Kysely<Schema>) {}

  async inOrg(orgId: string, name: string): Promise<string | undefined> {
    if (unstorable(name)) return undefined;
    const row = await this.db
      .selectFrom('pipelines')
      .select('id')
      .where('org_id', '=', orgId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.id;
  }

  async withToken(name: string, token: string): Promise<string | undefined> {
    if (unstorable(name) || unstorable(token)) return undefined;
    const row = await this.db
      .selectFrom('pipelines')
      .select('id')
      .where('name', '=', name)
      .where('ingest_token_hash', '=', digestSecret(token))
      .executeTakeFirst();
    return row?.id;
  }
}
