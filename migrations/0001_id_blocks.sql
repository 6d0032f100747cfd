-- Id blocks of API.md A.10: each entity type starts in its own range, so ids never collide across
-- types and demo ids match the contract. AUTOINCREMENT continues from max(seq, max(id)) + 1.
INSERT INTO sqlite_sequence (name, seq) VALUES
  ('users', 10000),
  ('organizations', 20000),
  ('studies', 30000),
  ('patients', 40000),
  ('codeable_concepts', 50000),
  ('observations', 60000),
  ('data_sources', 70000),
  ('practitioners', 80000),
  ('invitations', 100);
--> statement-breakpoint
-- The ROOT organization always exists (API.md A.10); top-level organizations are partOf 0.
INSERT INTO organizations (id, name, type, part_of) VALUES (0, 'ROOT', 'root', NULL);
