import { z } from 'zod';
import { Text } from '../commands/schema.ts';

/** A playbook id: kebab-case, unique across all files. */
export const PlaybookId = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be kebab-case like pod-crashloop');

/** The fields every kind of playbook has. */
export const playbookBase = { id: PlaybookId, title: Text.max(80), description: Text };
