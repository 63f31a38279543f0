import { z } from 'zod';

export const loginBody = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const loginResponse = z.object({ token: z.string(), expiresAt: z.string() });

export const meResponse = z.object({
  id: z.string().nullable(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  scope: z.string().describe('ltree path of the area subtree this user sees'),
  departmentCode: z.string().nullable(),
  permissions: z.array(z.string()),
  expiresAt: z.string(),
});
