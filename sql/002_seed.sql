-- The permission catalogue, the five seeded roles and the three seeded priorities.
-- INSERT IGNORE keeps re-runs harmless and never overwrites what an admin changed.

INSERT IGNORE INTO permissions (module, action)
SELECT m.module, a.action
FROM (SELECT 'users' AS module UNION ALL SELECT 'roles' UNION ALL SELECT 'priorities' UNION ALL SELECT 'queues'
      UNION ALL SELECT 'customers' UNION ALL SELECT 'tickets' UNION ALL SELECT 'reports') m
CROSS JOIN (SELECT 'create' AS action UNION ALL SELECT 'read' UNION ALL SELECT 'update' UNION ALL SELECT 'delete') a;

INSERT IGNORE INTO roles (id, name, description) VALUES
  ('6f1c0a3e-0a51-4c55-9a0e-000000000001', 'admin', 'Everything'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000002', 'supervisor', 'Runs the floor: queues, priorities, customers, tickets, reports'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000003', 'attendant', 'Calls and serves tickets at a counter'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000004', 'receptionist', 'Registers customers and issues tickets'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000005', 'display', 'Shows the board');

-- admin: every permission
INSERT IGNORE INTO role_permissions (role_id, module, action)
SELECT '6f1c0a3e-0a51-4c55-9a0e-000000000001', module, action FROM permissions;

-- supervisor: read everything; manage priorities, queues, customers, tickets
INSERT IGNORE INTO role_permissions (role_id, module, action)
SELECT '6f1c0a3e-0a51-4c55-9a0e-000000000002', module, action FROM permissions
WHERE action = 'read' OR module IN ('priorities', 'queues', 'customers', 'tickets');

INSERT IGNORE INTO role_permissions (role_id, module, action) VALUES
  ('6f1c0a3e-0a51-4c55-9a0e-000000000003', 'tickets', 'read'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000003', 'tickets', 'update'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000003', 'queues', 'read'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000003', 'customers', 'read'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000003', 'priorities', 'read'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000004', 'customers', 'create'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000004', 'customers', 'read'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000004', 'customers', 'update'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000004', 'tickets', 'create'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000004', 'tickets', 'read'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000004', 'queues', 'read'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000004', 'priorities', 'read'),
  ('6f1c0a3e-0a51-4c55-9a0e-000000000005', 'queues', 'read');

INSERT IGNORE INTO priorities (id, name, description, level, max_wait_minutes) VALUES
  ('0b5e7d2a-5c1e-4f7a-8d3b-000000000001', 'Alta', 'Urgent: served first', 1, 10),
  ('0b5e7d2a-5c1e-4f7a-8d3b-000000000002', 'Media', 'Standard', 2, 30),
  ('0b5e7d2a-5c1e-4f7a-8d3b-000000000003', 'Baja', 'Routine', 3, 60);
