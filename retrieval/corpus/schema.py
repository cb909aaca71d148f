"""The database schema, as numbered migrations applied in order and recorded in the database.

Add a migration by appending to `MIGRATIONS`; never edit the schema one has shipped (how one
carries data forward may be mended, for the databases it has yet to move: `addresses_rewritten`).
"""

from __future__ import annotations

from typing import NamedTuple


class Migration(NamedTuple):
    version: int
    name: str
    sql: str


def addresses_rewritten(new: str, where: str) -> str:
    """The SQL that writes articles' stored addresses anew, each as `new` (an SQL
    expression of `url`) gives it, where `where` holds and it changes one. An address two
    articles come to hold is the first stored's, as ingest keeps it: a later article that
    holds it already gives it up, then each takes its new one, in the order stored; one
    whose new address an earlier one took (a copy of that page) goes without."""
    return f"""
        CREATE TEMP TABLE readdressed AS
            SELECT id, {new} AS url FROM articles WHERE {where} AND url IS NOT {new};
        UPDATE articles SET url = NULL WHERE id IN (
            SELECT later.id FROM readdressed JOIN articles AS later
            ON later.url = readdressed.url AND later.id > readdressed.id);
        UPDATE OR IGNORE articles
            SET url = (SELECT url FROM readdressed WHERE readdressed.id = articles.id)
            WHERE id IN (SELECT id FROM readdressed ORDER BY id);
        UPDATE articles SET url = NULL
            WHERE id IN (SELECT id FROM readdressed)
            AND url IS NOT (SELECT url FROM readdressed WHERE readdressed.id = articles.id);
        DROP TABLE readdressed;
        UPDATE removed_articles SET url = {new} WHERE {where} AND url IS NOT {new};
        """


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "corpus and bot state",
        """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE articles (
            id            INTEGER PRIMARY KEY,
            title         TEXT NOT NULL,
            source        TEXT,
            authors       TEXT NOT NULL DEFAULT '[]',  -- JSON list of names
            published     TEXT,                        -- ISO 8601 as given (date or UTC datetime)
            published_ts  REAL,                        -- the same as a Unix time, for ranges
            url           TEXT UNIQUE,                 -- canonical form
            text          TEXT NOT NULL,
            content_hash  TEXT NOT NULL UNIQUE,        -- fingerprint of the words of the text
            ingested_ts   REAL NOT NULL,
            origin        TEXT,                        -- file or feed it came from
            extra         TEXT NOT NULL DEFAULT '{}'   -- unknown input fields, kept as JSON
        );
        CREATE INDEX articles_published ON articles (published_ts);
        CREATE INDEX articles_ingested ON articles (ingested_ts);
        CREATE INDEX articles_source ON articles (source);

        -- One row per sentence: the unit the index scores. AUTOINCREMENT keeps ids growing
        -- even after deletions, so "id > watermark" finds exactly what an index has not seen.
        CREATE TABLE sentences (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            position    INTEGER NOT NULL,   -- order in the article, from 0
            paragraph   INTEGER NOT NULL,   -- paragraph number, from 0
            text        TEXT NOT NULL,
            UNIQUE (article_id, position)
        );

        CREATE TABLE chats (
            id          INTEGER PRIMARY KEY,  -- Telegram chat id
            type        TEXT NOT NULL,
            title       TEXT,
            first_seen  REAL NOT NULL,
            refused_ts  REAL                  -- when a not-allowed chat was last told so
        );

        CREATE TABLE feedback (
            id           INTEGER PRIMARY KEY,
            chat_id      INTEGER NOT NULL,
            user_id      INTEGER,
            question     TEXT NOT NULL,
            sentence_ids TEXT NOT NULL,     -- JSON list of the passages shown
            vote         INTEGER NOT NULL CHECK (vote IN (-1, 1)),
            created_ts   REAL NOT NULL
        );

        CREATE TABLE query_log (
            id          INTEGER PRIMARY KEY,
            chat_id     INTEGER,
            user_id     INTEGER,
            question    TEXT NOT NULL,
            results     INTEGER NOT NULL,
            elapsed_ms  REAL NOT NULL,
            created_ts  REAL NOT NULL
        );
        """,
    ),
    Migration(
        2,
        "answers shown by the bot",
        """
        -- One row per answer message the bot sent: what "More", follow-up replies and
        -- feedback refer to. Buttons carry only the id, so the row outlives any edit.
        CREATE TABLE answers (
            id           INTEGER PRIMARY KEY,
            chat_id      INTEGER NOT NULL,
            user_id      INTEGER,
            question     TEXT NOT NULL,     -- as searched (a follow-up includes what it follows)
            next_offset  INTEGER NOT NULL,  -- where "More" goes on
            has_more     INTEGER NOT NULL,
            passages     TEXT NOT NULL,     -- JSON list of [article_id, [sentence ids]] shown
            more_ts      REAL,              -- when "More" was taken (it is offered once)
            created_ts   REAL NOT NULL
        );

        -- The messages an answer was sent as (a long one is split), so a reply to any of
        -- them is a follow-up of its question.
        CREATE TABLE answer_messages (
            chat_id     INTEGER NOT NULL,
            message_id  INTEGER NOT NULL,
            answer_id   INTEGER NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
            PRIMARY KEY (chat_id, message_id)
        );

        -- A user's vote on an answer is one row: voting again changes it.
        ALTER TABLE feedback ADD COLUMN answer_id INTEGER REFERENCES answers (id)
            ON DELETE SET NULL;
        CREATE UNIQUE INDEX feedback_answer_user ON feedback (answer_id, user_id);
        """,
    ),
    Migration(
        3,
        "news feeds",
        """
        CREATE TABLE feeds (
            id             INTEGER PRIMARY KEY,
            url            TEXT NOT NULL UNIQUE,
            name           TEXT,               -- given when added; the outlet named in quotes
            title          TEXT,               -- the feed's own title, as last read
            interval_s     REAL NOT NULL,      -- seconds between polls while it works
            added_ts       REAL NOT NULL,
            etag           TEXT,               -- validators for the next conditional GET
            last_modified  TEXT,
            last_fetch_ts  REAL,               -- last poll, whatever its outcome
            last_ok_ts     REAL,
            last_error     TEXT,               -- why the last poll failed; NULL once one works
            failures       INTEGER NOT NULL DEFAULT 0,  -- consecutive failed polls
            next_poll_ts   REAL NOT NULL,      -- due from then (backs off while failing)
            paused_ts      REAL                -- paused after too many failures, until re-added
        );
        CREATE INDEX feeds_due ON feeds (next_poll_ts) WHERE paused_ts IS NULL;

        -- The entries each feed has delivered, so an entry is fetched once however often it
        -- stays in the feed. The article may be shared with other feeds (stored once).
        CREATE TABLE feed_entries (
            feed_id     INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
            entry_key   TEXT NOT NULL,         -- the entry's id, else its link, else a hash
            article_id  INTEGER REFERENCES articles (id) ON DELETE SET NULL,
            url         TEXT,
            seen_ts     REAL NOT NULL,
            PRIMARY KEY (feed_id, entry_key)
        );
        CREATE INDEX feed_entries_article ON feed_entries (article_id);
        """,
    ),
    Migration(
        4,
        "digest subscriptions and deliveries",
        """
        -- One subscription per chat (kept when stopped, so its deliveries stay meaningful).
        CREATE TABLE subscriptions (
            id                INTEGER PRIMARY KEY,
            chat_id           INTEGER NOT NULL UNIQUE,  -- changes when a group migrates
            chat_type         TEXT NOT NULL,            -- private, group, supergroup, channel
            chat_title        TEXT,
            send_time         TEXT NOT NULL,            -- HH:MM, local time in `timezone`
            timezone          TEXT NOT NULL,            -- IANA name, e.g. Europe/Berlin
            keywords          TEXT NOT NULL DEFAULT '[]',  -- JSON list; empty: all news
            active            INTEGER NOT NULL DEFAULT 1,
            quiet_when_empty  INTEGER NOT NULL DEFAULT 0,  -- 1: say nothing when nothing is new
            created_by        INTEGER,                  -- Telegram user id
            created_ts        REAL NOT NULL,
            active_since      REAL NOT NULL,  -- last (re)activation: older deliveries don't count
            schedule_since    REAL NOT NULL,  -- time or zone last set: earlier slots are not due
            stopped_reason    TEXT            -- why it is inactive
        );

        -- One row per scheduled digest, claimed before the first message is sent, so a chat
        -- never gets the same day's digest twice (see retrieval/subscriptions.py).
        CREATE TABLE deliveries (
            id               INTEGER PRIMARY KEY,
            subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            day              TEXT NOT NULL,   -- the local date of the slot, YYYY-MM-DD
            chat_id          INTEGER NOT NULL,  -- where it went (a migrated group changes id)
            period_start     REAL NOT NULL,
            period_end       REAL NOT NULL,
            seen_until       REAL,            -- the previous digest's as_of (see Period)
            as_of            REAL NOT NULL,   -- articles stored later wait for the next
            state            TEXT NOT NULL
                CHECK (state IN ('claimed', 'sent', 'empty', 'failed', 'unknown')),
            messages         INTEGER NOT NULL DEFAULT 0,  -- messages delivered so far
            items            INTEGER,
            claimed_ts       REAL NOT NULL,
            finished_ts      REAL,
            error            TEXT,
            UNIQUE (subscription_id, day)
        );
        CREATE INDEX deliveries_by_end ON deliveries (subscription_id, period_end);
        CREATE INDEX deliveries_claimed ON deliveries (state) WHERE state = 'claimed';
        """,
    ),
    Migration(
        5,
        "paused digest subscriptions",
        """
        -- Why an active subscription gets no digests for now (its chat is not allowed); NULL:
        -- it gets them. Unlike `stopped_reason`, it resumes by itself when the cause goes.
        ALTER TABLE subscriptions ADD COLUMN paused_reason TEXT;
        """,
    ),
    Migration(
        6,
        "each article's run of sentences",
        """
        -- An article's sentences as one run: ids first_sentence, first_sentence + 1, ... at
        -- positions 0, 1, ... (sentence_count of them, maybe none), as newsbot stores them.
        -- A question finds its candidate articles' sentences, and the article of a sentence,
        -- from these runs (kept in memory: read through the index below, which spares the
        -- rows' long text), not by gathering rows of `sentences`. NULL: they run otherwise
        -- (written by hand), and are read row by row.
        ALTER TABLE articles ADD COLUMN first_sentence INTEGER;
        ALTER TABLE articles ADD COLUMN sentence_count INTEGER;
        UPDATE articles SET (first_sentence, sentence_count) = (
            SELECT min(id), count(*) FROM sentences WHERE article_id = articles.id
            GROUP BY article_id
            HAVING min(position) = 0 AND max(position) = count(*) - 1
                AND min(id - position) = max(id - position)
        );
        CREATE INDEX articles_runs ON articles (id, first_sentence, sentence_count);
        """,
    ),
    Migration(
        7,
        "what each sentence names",
        """
        -- The names, numbers and dates a sentence holds, read once when it is stored
        -- (`ranking.answers.packed`), so a question that quotes it need not read its
        -- text for them. Tagged with the signature of the code that read them: under other
        -- code they are read again. NULL: stored before, read at the question, as then.
        ALTER TABLE sentences ADD COLUMN finds BLOB;
        """,
    ),
    Migration(
        8,
        "each title's terms",
        """
        -- The index terms of each title, as "<tokenizer signature>\t<terms joined by
        -- spaces>" (`store.title_terms`), made once when the article is stored, so a
        -- question need not tokenize its candidate articles' titles. Under other token
        -- rules, or absent (stored before), the title is tokenized then. A table of its
        -- own: a column added to `articles` would follow the article's text, and reading it
        -- would read the text's pages too.
        CREATE TABLE title_terms (
            article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
            terms       TEXT NOT NULL
        );
        """,
    ),
    Migration(
        9,
        "no article counts from after it was stored",
        """
        -- An article dated ahead of the clock when it was stored counts from when it was
        -- stored (`store._article_row`), as it is at hand from then. `published` keeps the
        -- date as given. The search indexes take the new times at `newsbot reindex`.
        UPDATE articles SET published_ts = ingested_ts WHERE published_ts > ingested_ts;
        """,
    ),
    Migration(
        10,
        "articles kept out of digests",
        """
        -- Articles ingested as an archive (`newsbot ingest --archive`): searched like any
        -- other, but no digest takes them. A backfill is not the day's news, and its
        -- undated articles would otherwise count from when they were stored: the next
        -- digest would be the archive. A table of its own, as title_terms is.
        CREATE TABLE archived (
            article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE
        );
        """,
    ),
    Migration(
        11,
        "what the earlier pages of an answer showed",
        """
        -- The sentence ids the pages before a "More" page showed, as a JSON list: its own
        -- "More" leaves out every page shown so far, not only the latest. (Paging by rank
        -- alone repeated or skipped passages when an article stored after the question,
        -- but dated before it, moved the ranking.) NULL: stored before, when only this
        -- page's sentences were kept; its "More" pages by rank, as then.
        ALTER TABLE answers ADD COLUMN shown_before TEXT;
        """,
    ),
    Migration(
        12,
        "feed entries found by their links",
        """
        -- `feed_entries.url` holds the entry's own link (without credentials) from now on,
        -- not its article's address after redirects: an entry that comes back under a new
        -- guid is known by it, and its page not fetched again, though the link redirects
        -- (FeedBurner, click trackers). Rows stored before hold the article's address.
        CREATE INDEX feed_entries_url ON feed_entries (feed_id, url);
        """,
    ),
    Migration(
        13,
        "feed origins without credentials",
        """
        -- An article from a feed recorded the feed's whole address as its origin, a private
        -- feed's token or password too, which then outlived `feeds remove` in every copy of
        -- the database. It is recorded masked from now on; the origins stored before that
        -- may hold credentials (a user:password@ or a query) are told by the feed's id.
        UPDATE articles SET origin = 'feed ' || json_extract(extra, '$.feed_id')
        WHERE json_extract(extra, '$.feed_id') IS NOT NULL
          AND (origin LIKE '%@%' OR origin LIKE '%?%' OR origin LIKE '%;%');
        """,
    ),
    Migration(
        14,
        "a bare date counts from noon UTC",
        """
        -- A date without a time ("2024-11-25") counted from midnight UTC, which is the day
        -- before in every zone west of UTC. Noon UTC, never later than when the article was
        -- stored, as when it is ingested. (Migration 16 moved it to 10:00 UTC.)
        UPDATE articles
        SET published_ts = min(published_ts + 43200, coalesce(ingested_ts, published_ts + 43200))
        WHERE length(published) = 10 AND published_ts IS NOT NULL;
        """,
    ),
    Migration(
        15,
        "the newest articles found by an index",
        """
        -- /latest orders articles by when they count from: with no index on it, every call
        -- read and sorted the whole table (0.25 s at 280,000 articles).
        CREATE INDEX articles_newest ON articles (coalesce(published_ts, ingested_ts), id);
        """,
    ),
    Migration(
        16,
        "a bare date counts from 10:00 UTC",
        """
        -- Noon UTC (migration 14) is the next day from UTC+12 eastward: New Zealand saw an
        -- article dated the 25th on the 26th. 10:00 UTC is that day from UTC-10 to UTC+13:59
        -- (`retrieval.corpus.dates.BARE_DATE_HOUR`). Worked out from the date as given, so a
        -- database is right whichever rule it had; never later than when the article was
        -- stored. The indexes keep each article's time too: their signature names the hour,
        -- so they are rebuilt.
        UPDATE articles
        SET published_ts = min(
            CAST(strftime('%s', published) AS REAL) + 36000,
            coalesce(ingested_ts, CAST(strftime('%s', published) AS REAL) + 36000)
        )
        WHERE length(published) = 10 AND published_ts IS NOT NULL
          AND strftime('%s', published) IS NOT NULL;
        """,
    ),
    Migration(
        17,
        "feed entries without text tried again for a while",
        """
        -- An entry that gives no text (no summary, and its page not to be had) stays unseen
        -- and is tried again at each poll, with the feed fetched in full (no 304) so that it
        -- is listed again. Counted here, so that one is given up after a day of tries
        -- (`retrieval.feeds.registry.ENTRY_PATIENCE`) instead of refetched forever.
        CREATE TABLE feed_retries (
            feed_id    INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
            entry_key  TEXT NOT NULL,
            first_ts   REAL NOT NULL,  -- the first poll that got no text from it
            tries      INTEGER NOT NULL,
            PRIMARY KEY (feed_id, entry_key)
        );
        """,
    ),
    Migration(
        18,
        "full articles sent once per answer",
        """
        -- The articles an answer's 📄 buttons have sent to its chat. Each press sent the
        -- article again, up to eight messages: one member could post 160 messages a minute
        -- into a group, and everyone's answers waited behind Telegram's limit for them.
        CREATE TABLE articles_sent (
            answer_id   INTEGER NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
            article_id  INTEGER NOT NULL,
            sent_ts     REAL NOT NULL,
            PRIMARY KEY (answer_id, article_id)
        );
        """,
    ),
    Migration(
        19,
        "a digest claimed by its slot's moment",
        """
        -- A delivery was unique by its local day, a date of the zone then in force: after a
        -- change of zone (Asia/Tokyo to America/Los_Angeles), the new zone's next day could
        -- bear the date of the old zone's last one, and its digest was taken as claimed and
        -- never sent. A slot's moment names it in every zone. (`day` stays, as it was.)
        CREATE TABLE deliveries_by_slot (
            id               INTEGER PRIMARY KEY,
            subscription_id  INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
            day              TEXT NOT NULL,   -- the local date of the slot, YYYY-MM-DD
            chat_id          INTEGER NOT NULL,  -- where it went (a migrated group changes id)
            period_start     REAL NOT NULL,
            period_end       REAL NOT NULL,   -- the slot's moment
            seen_until       REAL,            -- the previous digest's as_of (see Period)
            as_of            REAL NOT NULL,   -- articles stored later wait for the next
            state            TEXT NOT NULL
                CHECK (state IN ('claimed', 'sent', 'empty', 'failed', 'unknown')),
            messages         INTEGER NOT NULL DEFAULT 0,  -- messages delivered so far
            items            INTEGER,
            claimed_ts       REAL NOT NULL,
            finished_ts      REAL,
            error            TEXT,
            UNIQUE (subscription_id, period_end)
        );
        -- Two rows of one slot could only come of a zone changed onto the very moment of the
        -- last digest's slot: the first is kept.
        INSERT OR IGNORE INTO deliveries_by_slot SELECT * FROM deliveries ORDER BY id;
        DROP TABLE deliveries;
        ALTER TABLE deliveries_by_slot RENAME TO deliveries;
        CREATE INDEX deliveries_claimed ON deliveries (state) WHERE state = 'claimed';
        """,
    ),
    Migration(
        20,
        "a digest goes to the forum topic it was subscribed in",
        """
        -- Subscribed in a forum topic, the digest went to the group's General topic: where
        -- nobody asked for it, and refused daily when General is closed. NULL: no topic.
        ALTER TABLE subscriptions ADD COLUMN topic_id INTEGER;
        """,
    ),
    Migration(
        21,
        "an answer's messages found by the answer",
        """
        -- Deleting an answer (NEWSBOT_KEEP_DAYS) deletes its messages: without this index
        -- each read all of answer_messages, and forgetting 20,000 answers took 38 s.
        CREATE INDEX answer_messages_answer ON answer_messages (answer_id);
        """,
    ),
    Migration(
        22,
        "removed articles",
        """
        -- An article taken out (`newsbot remove`: retracted, or stored by mistake) is
        -- deleted with its sentences; what is left here is its id, which no other article
        -- is given, and its sentences' ids, which the saved indexes may still hold: they are
        -- hidden there (`retrieval.removals`) until `newsbot reindex` rebuilds them without.
        -- `removal` numbers them in order, so a running bot hides those made since it last
        -- looked. No title, no text: a removed article leaves no words behind.
        CREATE TABLE removed_articles (
            removal     INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id  INTEGER NOT NULL UNIQUE,
            removed_ts  REAL NOT NULL
        );
        CREATE TABLE removed_sentences (
            sentence_id  INTEGER PRIMARY KEY,
            removal      INTEGER NOT NULL REFERENCES removed_articles (removal)
        );
        CREATE INDEX removed_sentences_removal ON removed_sentences (removal);
        """,
    ),
    Migration(
        23,
        "removed articles kept out of feeds",
        """
        -- A removed article's canonical address and the fingerprint of its words (no text),
        -- so that no feed brings it back: not the one it came from once that feed is
        -- removed and added again, nor another that carries it (`FeedPoller`). An ingest
        -- of it by hand stores it again. NULL: removed before this.
        ALTER TABLE removed_articles ADD COLUMN url TEXT;
        ALTER TABLE removed_articles ADD COLUMN content_hash TEXT;
        CREATE INDEX removed_articles_url ON removed_articles (url);
        CREATE INDEX removed_articles_hash ON removed_articles (content_hash);
        """,
    ),
    Migration(
        24,
        "an article dated days ahead counts from its date",
        """
        -- An article counted from when it was stored if its date lay ahead of that, by
        -- any length: one dated 2030 was quoted as of 2029, and `--json` showed it
        -- "published" after the moment asked about. Ahead by more than a day (more than a
        -- bare date's hour or a zone's difference can make it) its date is meant
        -- (`retrieval.corpus.store.counts_from`). The indexes keep each article's time
        -- too: their signature names the rule, so they are rebuilt.
        UPDATE articles
        SET published_ts = CAST(strftime('%s', published) AS REAL)
            + CASE WHEN length(published) = 10 THEN 36000 ELSE 0 END
        WHERE published_ts IS NOT NULL AND ingested_ts IS NOT NULL
          AND strftime('%s', published) IS NOT NULL
          AND CAST(strftime('%s', published) AS REAL)
            + CASE WHEN length(published) = 10 THEN 36000 ELSE 0 END
            - ingested_ts > 86400;
        """,
    ),
    Migration(
        25,
        "a feed's page read again after a passing failure",
        """
        -- An entry whose page failed for a moment (429, a 5xx, a time-out) was stored with
        -- the feed's summary for good. It is stored so still, at once, and its page is
        -- fetched again at the feed's next polls (`retrieval.feeds.poll`); when it is read,
        -- the article is replaced by the page's whole text: removed (its docs hidden in the
        -- indexes, as any removal's) and stored anew, `replaced_by` naming the new one.
        CREATE TABLE page_retries (
            article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
            feed_id     INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
            entry_key   TEXT NOT NULL,
            link        TEXT NOT NULL,  -- as the feed gave it, a token too (gone when done)
            tries       INTEGER NOT NULL,  -- fetches failed so far, the first included
            next_ts     REAL NOT NULL
        );
        CREATE INDEX page_retries_feed ON page_retries (feed_id, next_ts);
        ALTER TABLE removed_articles ADD COLUMN replaced_by INTEGER;
        """,
    ),
    Migration(
        26,
        "the bot's replies to each question",
        """
        -- The messages the bot replied to a question with (an answer, or that nothing
        -- matches), by the message that asked: a question edited after its answer is
        -- answered again in those messages, not under them as a new one.
        CREATE TABLE question_replies (
            id          INTEGER PRIMARY KEY,
            chat_id     INTEGER NOT NULL,
            message_id  INTEGER NOT NULL,  -- the message that asked
            replies     TEXT NOT NULL,     -- JSON list of the bot's message ids, in order
            created_ts  REAL NOT NULL,
            UNIQUE (chat_id, message_id)
        );
        """,
    ),
    Migration(
        27,
        "the sentence rules each article was split by",
        """
        -- The version of the sentence rules an article's sentences were split by
        -- (`retrieval.corpus.splitter.SPLITTER_VERSION`). `newsbot reindex` splits every
        -- article of an older version again, from its stored text. 0: stored before the
        -- version was recorded. Counted through the index (`newsbot stats`): the column
        -- lies after the article's text.
        ALTER TABLE articles ADD COLUMN splitter INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX articles_splitter ON articles (splitter);
        """,
    ),
    Migration(
        28,
        "a subscribed chat's public name",
        """
        -- The chat's @username (without the @) when it was last subscribed, NULL if it had
        -- none: once the bot is removed from a channel Telegram no longer finds it by that
        -- name, and "/unsubscribe @channel" must still find its digest.
        ALTER TABLE subscriptions ADD COLUMN chat_username TEXT;
        """,
    ),
    Migration(
        29,
        "articles' addresses without credentials",
        """
        -- An article's address is stored without the query parameters that can only be
        -- credentials (?token=, ?api_key=, ?sig=: `retrieval.addresses.CREDENTIAL_PARAMS`),
        -- whichever way it came in; before, only a feed's links were (a file's kept them,
        -- shown in answers and digests). `without_credentials` is that function
        -- (`retrieval.corpus.db`): applied to a stored address, it gives the address the
        -- same article gets now. Two that are then one (the same page under two tokens)
        -- are one page's copies: the one stored first keeps the address, which finds both,
        -- and the other goes without (`addresses_rewritten`).
        """
        + addresses_rewritten("without_credentials(url)", "(url LIKE '%?%' OR url LIKE '%@%')"),
    ),
    Migration(
        30,
        "the sentences an answer showed, by their text",
        """
        -- An answer remembers the sentences it showed by their text, not only by their ids:
        -- `newsbot reindex` gives an article split again new sentence ids, and "More" then
        -- left out nothing of the pages shown (their ids no longer stored) and repeated
        -- them. `answers.passages` holds [article id, [sentence ids], [their texts]] a
        -- passage, and `answers.shown_before` the texts of the earlier pages' sentences.
        -- Rows stored before get the texts of their sentences still stored.
        UPDATE answers SET passages = (
            SELECT json_group_array(json_array(
                json_extract(p.value, '$[0]'),
                json(json_extract(p.value, '$[1]')),
                json((SELECT json_group_array(s.text) FROM json_each(p.value, '$[1]') i
                      JOIN sentences s ON s.id = i.value))
            ))
            FROM json_each(answers.passages) p
        );
        UPDATE answers SET shown_before = (
            SELECT json_group_array(s.text) FROM json_each(answers.shown_before) i
            JOIN sentences s ON s.id = i.value
        ) WHERE shown_before IS NOT NULL;
        """,
    ),
    Migration(
        31,
        "the first page of each More page",
        """
        -- A "More" page is an answer of its own; `first_page` is the answer whose "More"
        -- (or whose later page's) it continues: when the question is edited, its old
        -- answer's later pages are taken down with it. NULL: a first page, or a page
        -- stored before.
        ALTER TABLE answers ADD COLUMN first_page INTEGER;
        CREATE INDEX answers_first_page ON answers (first_page) WHERE first_page IS NOT NULL;
        """,
    ),
    Migration(
        32,
        "a chat's last answer",
        """
        -- "more" sent in a private chat goes on with the chat's last answer: found by this
        -- index, not by reading every answer since.
        CREATE INDEX answers_chat ON answers (chat_id, id);
        """,
    ),
    Migration(
        33,
        "the text each question was answered for",
        """
        -- The text (or caption) of the message as its replies answered it: Telegram sends an
        -- edit for a change of formatting alone, and the question, the same, was answered
        -- again, its "More" pages taken down. NULL: recorded before.
        ALTER TABLE question_replies ADD COLUMN question TEXT;
        """,
    ),
    Migration(
        34,
        "the bot's messages that invite a question",
        """
        -- The bot's messages that ask for a question: the hint a bare /ask gets, "nothing
        -- matches", "only very common words". In a group a reply to one of them is the
        -- question; any other reply to a message of the bot's that is no answer ("thanks!"
        -- under a digest or /help) is the group talking.
        CREATE TABLE prompts (
            id          INTEGER PRIMARY KEY,
            chat_id     INTEGER NOT NULL,
            message_id  INTEGER NOT NULL,
            created_ts  REAL NOT NULL,
            UNIQUE (chat_id, message_id)
        );
        """,
    ),
    Migration(
        35,
        "the messages of the full articles sent under an answer",
        """
        -- The messages a 📄 button sent an article in, by the answer it is under: a reply to
        -- one follows that answer up, as a reply to the answer does. It was asked alone (in
        -- a group, taken for talk). Not `answer_messages`: no button is under them.
        CREATE TABLE article_messages (
            chat_id     INTEGER NOT NULL,
            message_id  INTEGER NOT NULL,
            answer_id   INTEGER NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
            PRIMARY KEY (chat_id, message_id)
        );
        CREATE INDEX article_messages_answer ON article_messages (answer_id);
        """,
    ),
    Migration(
        36,
        "articles' addresses without session ids",
        """
        -- Session ids (?sessionid=, ?PHPSESSID=, ?jsessionid=) joined the credentials an
        -- article's address is stored without (`CREDENTIAL_PARAMS`): the addresses stored
        -- before lose them as migration 29 did the others, a copy (the same page under two
        -- sessions) going without.
        """
        + addresses_rewritten("without_credentials(url)", "url LIKE '%?%'"),
    ),
    Migration(
        37,
        "near-identical texts of one outlet found by their sketches",
        """
        -- An outlet's text stored again under another address, a date line or a comma
        -- changed, was a second article: its passages twice in answers, two reports of one
        -- story in a digest. Each article's MinHash sketch of its word 3-grams, in bands
        -- hashed with its outlet (`retrieval.corpus.sketches`), finds the near copies of a
        -- new one in a few index lookups; none for an article of no outlet. Made here for
        -- the articles stored before (`text_sketch`, the code's own, as SQL's); the index
        -- after, built at once. The articles themselves are left as they are: a pair
        -- stored before stays two.
        CREATE TABLE article_sketches (
            article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            key         INTEGER NOT NULL,
            PRIMARY KEY (article_id, key)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO article_sketches (article_id, key)
            SELECT a.id, k.value FROM articles a, json_each(text_sketch(a.source, a.text)) k;
        CREATE INDEX article_sketches_key ON article_sketches (key);
        """,
    ),
    Migration(
        38,
        "articles' addresses without the credentials of any site",
        """
        -- The credentials an article's address is stored without widened to the names a
        -- feed's own address is masked by that cannot name a page (`is_credential`:
        -- ?auth=, ?client_secret=, ?X-Amz-Signature=, ?x-api-key=): the addresses stored
        -- before lose them as migration 29 did the others, a copy going without.
        """
        + addresses_rewritten("without_credentials(url)", "url LIKE '%?%'"),
    ),
    Migration(
        39,
        "articles' addresses written readably",
        """
        -- An address is stored one way (`retrieval.addresses.readable_url`): the host in
        -- punycode ("xn--bcher-kva.de", not "Bücher.de": a look-alike host in another script
        -- would read as the real one in letters), and what a
        -- browser percent-encodes decoded ("straßburg", not "stra%C3%9Fburg"). The two forms
        -- were two articles, and `remove` given a link as a browser copies it found none. The
        -- addresses stored before are written so as migration 29 cleaned them: of two that
        -- are then one (the same page in both forms), the one stored first keeps it.
        """
        + addresses_rewritten("readable_url(url)", "url IS NOT NULL"),
    ),
    Migration(
        40,
        "articles without bidi overrides and isolates",
        """
        -- The bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) ingest
        -- kept in titles, outlets, authors and text ("Reuters\\u202e sweN lakoL" showed as
        -- "Reuters Local News") are spaces, as ingest makes them now (`models`): a text's
        -- and a sentence's one for one, so their words, offsets and fingerprints stay;
        -- a title, an outlet or an author one line. The authors' JSON escapes them.
        UPDATE articles SET title = printable_field(title, 'line')
        WHERE title GLOB '*[\u202a-\u202e\u2066-\u2069]*';
        UPDATE articles SET source = printable_field(source, 'line')
        WHERE source GLOB '*[\u202a-\u202e\u2066-\u2069]*';
        UPDATE articles SET authors = printable_field(authors, 'authors')
        WHERE authors LIKE '%\\u202_%' OR authors LIKE '%\\u206_%';
        UPDATE articles SET text = printable_field(text, 'text')
        WHERE text GLOB '*[\u202a-\u202e\u2066-\u2069]*';
        UPDATE sentences SET text = printable_field(text, 'text')
        WHERE text GLOB '*[\u202a-\u202e\u2066-\u2069]*';
        -- An address loses them, as ingest's does: of two that are then one (copies of the
        -- page), the one stored first keeps it, as in migration 29.
        """
        + addresses_rewritten(
            "printable_field(url, 'address')", "url GLOB '*[\u202a-\u202e\u2066-\u2069]*'"
        ),
    ),
    Migration(
        41,
        "feed entries' words and date as last read",
        """
        -- A feed that republished an entry corrected (its guid and link the same, its title,
        -- summary or updated date not) was taken to give nothing new, and the correction
        -- was lost. Each entry keeps what its feed said of it when it was read last: a hash
        -- of its title and text, and its updated date (`retrieval.feeds.poll`). NULL: read
        -- before, recorded at the next poll that lists it.
        ALTER TABLE feed_entries ADD COLUMN words_hash TEXT;
        ALTER TABLE feed_entries ADD COLUMN updated TEXT;
        """,
    ),
    Migration(
        42,
        "the addresses feeds moved from",
        """
        -- A feed that moved for good (301, 308) is polled at its new address; `feeds remove`
        -- given the old one, the address it was added by, found no feed. Each address a
        -- feed moved from names it (`FeedRegistry.moved_from`); forgotten with the feed.
        CREATE TABLE feed_moves (
            url       TEXT PRIMARY KEY,  -- as `FeedRegistry.add` stores an address
            feed_id   INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
            moved_ts  REAL NOT NULL
        );
        CREATE INDEX feed_moves_feed ON feed_moves (feed_id);
        """,
    ),
    Migration(
        43,
        "when the oldest question a row holds was asked",
        """
        -- A follow-up's answer, its query-log line and the votes on it hold the questions it
        -- follows too, and were dated when the follow-up was asked: a chain of follow-ups
        -- kept its first question past NEWSBOT_KEEP_DAYS, for ever if it went on. Each is
        -- forgotten by the time of the oldest question it holds. NULL: its own created_ts.
        ALTER TABLE answers ADD COLUMN first_asked_ts REAL;
        ALTER TABLE query_log ADD COLUMN first_asked_ts REAL;
        ALTER TABLE feedback ADD COLUMN first_asked_ts REAL;
        """,
    ),
    Migration(
        44,
        "chats' names forgotten, ended subscriptions dated",
        """
        -- A chat's title, and a private chat's user's full name, were kept for ever, though
        -- nothing reads them: no more, and those kept go.
        UPDATE chats SET title = NULL WHERE title IS NOT NULL;
        -- When a subscription ended (/unsubscribe, the bot removed from its chat): its
        -- chat's title, its keywords and who made it are forgotten NEWSBOT_KEEP_DAYS after
        -- (`retention`). One ended before is dated by its last digest, or its last start.
        ALTER TABLE subscriptions ADD COLUMN stopped_ts REAL;
        UPDATE subscriptions SET stopped_ts = max(active_since, coalesce(
            (SELECT max(claimed_ts) FROM deliveries WHERE subscription_id = subscriptions.id),
            0)) WHERE active = 0;
        -- Who sent the message a question's replies answered (its text is kept, for an
        -- edit), so that a user's questions are erased on request (`newsbot forget --user`).
        -- NULL: recorded before.
        ALTER TABLE question_replies ADD COLUMN user_id INTEGER;
        """,
    ),
    Migration(
        45,
        "a question's log line by its message",
        """
        -- The message a question was asked in (NULL: an inline query, a "More" pressed, or
        -- logged before): a question its user edits is logged again in its line, and the
        -- text they edited out is not kept beside it.
        ALTER TABLE query_log ADD COLUMN message_id INTEGER;
        CREATE UNIQUE INDEX query_log_message ON query_log (chat_id, message_id);
        """,
    ),
    Migration(
        46,
        "questions whose answer a stop dropped",
        """
        -- A question whose answer the bot's stop dropped before any of it went out (waiting
        -- for its group's share of Telegram's flood limits, say): Telegram was told it was
        -- handled and does not send it again, so it was lost. Its update (without names,
        -- usernames or titles: `bot.resume`) waits here for the next start, which answers
        -- it (once) and deletes it.
        CREATE TABLE dropped_questions (
            id           INTEGER PRIMARY KEY,
            chat_id      INTEGER NOT NULL,
            message_id   INTEGER NOT NULL,  -- the message that asked
            update_id    INTEGER NOT NULL,  -- of its newest version kept (an edit's)
            update_json  TEXT NOT NULL,
            user_id      INTEGER,           -- who asked (`newsbot forget --user`)
            created_ts   REAL NOT NULL,
            UNIQUE (chat_id, message_id)
        );
        """,
    ),
    Migration(
        47,
        "articles sent in part",
        """
        -- A 📄 article a stop cut short: how many of its messages went out (NULL: all, or
        -- on their way), so that a press again sends the rest, not all of it again.
        ALTER TABLE articles_sent ADD COLUMN parts_sent INTEGER;
        """,
    ),
    Migration(
        48,
        "subscriptions' titles for channels alone",
        """
        -- A subscription kept its chat's title, and a private chat's its user's full name
        -- (migration 44 forgot the chats' own), though only a channel's is read (the
        -- replies about a channel's digest name it): the others are forgotten.
        UPDATE subscriptions SET chat_title = NULL
        WHERE chat_title IS NOT NULL AND chat_type != 'channel';
        """,
    ),
    Migration(
        49,
        "the answer whose question a row holds",
        """
        -- An answer and a query-log line hold another's question when they are a "More"
        -- page of its answer or a follow-up read with it, whoever asked them: `follows` is
        -- that answer, so that forgetting a user (`newsbot forget --user`) forgets them
        -- too. NULL: a question asked alone, or recorded before (a "More" page has
        -- `first_page` then).
        ALTER TABLE answers ADD COLUMN follows INTEGER;
        CREATE INDEX answers_follows ON answers (follows) WHERE follows IS NOT NULL;
        ALTER TABLE query_log ADD COLUMN follows INTEGER;
        CREATE INDEX query_log_follows ON query_log (follows) WHERE follows IS NOT NULL;
        """,
    ),
    Migration(
        50,
        "no address but an http(s) one",
        """
        -- A file's "url" of another scheme ("javascript:alert(1)", "data:text/html,...")
        -- was stored and given out: by `ask` as its source's link, by `ask --json` and
        -- `digest --json` as `url`, which a page may make a link. Ingest drops it now, as
        -- feeds drop such an entry link (`addresses.is_web_address`; LIKE is blind to
        -- case, as that is): the article stays, without an address.
        UPDATE articles SET url = NULL
        WHERE url IS NOT NULL AND NOT (url LIKE 'http://%' OR url LIKE 'https://%');
        """,
    ),
)
