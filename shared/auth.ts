import { z } from 'zod';

export const loginBody = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});

export const loginResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  /** the password was set by an admin: every call but me/logout/password answers 403 until it is changed */
  mustChangePassword: z.boolean(),
});

export const passwordChangeBody = z.object({ currentPassword: z.string().min(1).max(256), newPassword: z.string().min(1).max(256) });

export const meResponse = z.object({
  id: z.string().nullable(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.string()),
  scope: z.string().describe('ltree path of the area subtree this user sees'),
  departmentCode: z.string().nullable(),
  permissions: z.array(z.string()),
  expiresAt: z.string(),
  mustChangePassword: z.boolean(),
});
