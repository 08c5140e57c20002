-- A database as Lantern schema v1 wrote it (conversations and messages, no search, no language
-- pair). Kept verbatim forever: tests/storage/migrationstest.cpp migrates it to the current schema.
-- Statements end with ";" at the end of a line.
CREATE TABLE conversations ( id INTEGER PRIMARY KEY, title TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)), archived INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)), folder TEXT NOT NULL DEFAULT '', model_file TEXT NOT NULL DEFAULT '', settings_json TEXT NOT NULL DEFAULT '{}', system_prompt TEXT NOT NULL DEFAULT '', active_root_id INTEGER, deleted_ms INTEGER);
CREATE TABLE messages ( id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, parent_id INTEGER REFERENCES messages(id) ON DELETE CASCADE, role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')), content TEXT NOT NULL DEFAULT '', thinking TEXT NOT NULL DEFAULT '', state TEXT NOT NULL DEFAULT 'complete' CHECK (state IN  ('complete', 'streaming', 'interrupted', 'cancelled', 'error')), error_text TEXT NOT NULL DEFAULT '', created_ms INTEGER NOT NULL, model TEXT NOT NULL DEFAULT '', stats_json TEXT NOT NULL DEFAULT '{}', active_child_id INTEGER REFERENCES messages(id) ON DELETE SET NULL);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
CREATE INDEX messages_by_parent ON messages (parent_id);
CREATE INDEX messages_by_active_child ON messages (active_child_id);
CREATE INDEX messages_streaming ON messages (state) WHERE state = 'streaming';
CREATE INDEX conversations_by_recency ON conversations (deleted_ms, pinned DESC, updated_ms DESC);
-- Conversation 1: a question, two answers (the second, a regeneration, is active), a follow-up.
INSERT INTO conversations (id, title, created_ms, updated_ms, pinned, archived, folder, model_file, settings_json, system_prompt, active_root_id, deleted_ms) VALUES (1, 'Sourdough starter', 1700000000000, 1700000600000, 1, 0, 'Kitchen', 'gemma-3-270m-q4_k_m.gguf', '{"temperature":0.7}', 'You are a baker.', 10, NULL);
INSERT INTO messages (id, conversation_id, parent_id, role, content, thinking, state, error_text, created_ms, model, stats_json, active_child_id) VALUES (10, 1, NULL, 'user', 'How do I feed a sourdough starter?', '', 'complete', '', 1700000000000, '', '{}', 12);
INSERT INTO messages (id, conversation_id, parent_id, role, content, thinking, state, error_text, created_ms, model, stats_json, active_child_id) VALUES (11, 1, 10, 'assistant', 'Discard half and add equal weights of flour and water.', '', 'complete', '', 1700000100000, 'gemma-3-270m', '{"ttftMs":120.5,"tokensPerSecond":33.25,"promptTokens":12,"generatedTokens":14,"device":"llvmpipe"}', NULL);
INSERT INTO messages (id, conversation_id, parent_id, role, content, thinking, state, error_text, created_ms, model, stats_json, active_child_id) VALUES (12, 1, 10, 'assistant', 'Feed it daily with flour and lukewarm water.', 'The user keeps it at room temperature.', 'complete', '', 1700000200000, 'gemma-3-270m', '{}', 13);
INSERT INTO messages (id, conversation_id, parent_id, role, content, thinking, state, error_text, created_ms, model, stats_json, active_child_id) VALUES (13, 1, 12, 'user', 'And rye flour?', '', 'complete', '', 1700000600000, '', '{}', NULL);
-- Conversation 2: Japanese, with an answer left streaming by a crash.
INSERT INTO conversations (id, title, created_ms, updated_ms, pinned, archived, folder, model_file, settings_json, system_prompt, active_root_id, deleted_ms) VALUES (2, '東京の天気', 1700001000000, 1700001000000, 0, 1, '', '', '{}', '', 20, NULL);
INSERT INTO messages (id, conversation_id, parent_id, role, content, thinking, state, error_text, created_ms, model, stats_json, active_child_id) VALUES (20, 2, NULL, 'user', '明日の東京の天気はどうですか', '', 'complete', '', 1700001000000, '', '{}', 21);
INSERT INTO messages (id, conversation_id, parent_id, role, content, thinking, state, error_text, created_ms, model, stats_json, active_child_id) VALUES (21, 2, 20, 'assistant', '明日の東京は晴れのち', '', 'streaming', '', 1700001001000, 'gemma-3-270m', '{}', NULL);
-- Conversation 3: in the bin.
INSERT INTO conversations (id, title, created_ms, updated_ms, pinned, archived, folder, model_file, settings_json, system_prompt, active_root_id, deleted_ms) VALUES (3, 'Binned draft', 1700002000000, 1700002000000, 0, 0, '', '', '{}', '', 30, 1700003000000);
INSERT INTO messages (id, conversation_id, parent_id, role, content, thinking, state, error_text, created_ms, model, stats_json, active_child_id) VALUES (30, 3, NULL, 'user', 'draft about sourdough', '', 'complete', '', 1700002000000, '', '{}', NULL);
PRAGMA user_version = 1;
