// Types of scripts/image-layout.mjs for the tests that import it.
export interface Instruction {
  keyword: string;
  args: string;
  stage: number;
}
export interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}
export interface ImageLayout {
  dir: string;
  env: Record<string, string>;
  user: string;
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[];
  stages: (string | undefined)[];
  sizes: Record<'node_modules' | 'dist' | 'web/dist' | 'total', number>;
}
export interface StartedRole {
  url: string;
  output(): string;
  stop(): Promise<void>;
}
export const root: string;
export const ROLES: string[];
export function parseDockerfile(text: string): { args: Instruction[]; stages: Stage[] };
export function execForm(args: string): string[];
export function buildLayout(opts?: { out?: string; npmCi?: boolean }): ImageLayout;
export function startRole(
  image: ImageLayout,
  role: string,
  env?: Record<string, string>,
  timeoutMs?: number,
): Promise<StartedRole>;
