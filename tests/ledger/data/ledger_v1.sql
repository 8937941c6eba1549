-- A ledger as listsync wrote it with migration 0001_initial only, a few rows in each table.
-- Made once with sqlite3's iterdump; never edit it: tests upgrade it to the current schema.
BEGIN TRANSACTION;
CREATE TABLE checkpoint (
    channel TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    stream TEXT NOT NULL,
    cursor TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, shop_id, stream)
);
INSERT INTO "checkpoint" VALUES('shopee','820001','orders','2025-12-01T08:25:00Z','2025-12-01T08:30:00.000000Z');
CREATE TABLE listing (
    id INTEGER NOT NULL PRIMARY KEY,
    sku TEXT NOT NULL REFERENCES product (sku),
    channel TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    remote_id TEXT,
    units TEXT NOT NULL,
    state TEXT NOT NULL,
    pushed_hash TEXT,
    last_error TEXT,
    reasons TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (sku, channel, shop_id)
);
INSERT INTO "listing" VALUES(1,'TS-1','shopee','820001','9911','{"TS-1":"0"}','live','74fb09a94e1b7bea6f272d7ae50a7d69e446fb80b95c57469c2aeb2b68b6f26e',NULL,'[]','2025-12-01T08:30:00.000000Z');
INSERT INTO "listing" VALUES(2,'MAT','tiki','T1','REQ-77','{}','in_review',NULL,NULL,'[]','2025-12-01T08:30:00.000000Z');
CREATE TABLE offer (
    id INTEGER NOT NULL PRIMARY KEY,
    sku TEXT NOT NULL,
    channel TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    stock INTEGER,
    price_minor INTEGER,
    currency TEXT,
    tiers TEXT NOT NULL,
    explain TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_error TEXT,
    UNIQUE (sku, channel, shop_id)
);
INSERT INTO "offer" VALUES(1,'TS-1','shopee','820001',12,120000,'VND','[]','{"on_hand":12}','2025-12-01T08:30:00.000000Z',NULL);
CREATE TABLE "order" (
    id INTEGER NOT NULL PRIMARY KEY,
    channel TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    state TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    total_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    UNIQUE (channel, shop_id, order_id)
);
INSERT INTO "order" VALUES(1,'shopee','820001','250101ABC','paid','READY_TO_SHIP','2025-12-01T08:00:00.000000Z','2025-12-01T08:00:00.000000Z',470000,'VND','95421e0e9e28bb3556a750d4d19f6060','2025-12-01T08:30:00.000000Z');
CREATE TABLE order_line (
    order_pk INTEGER NOT NULL REFERENCES "order" (id) ON DELETE CASCADE,
    line_no INTEGER NOT NULL,
    line_id TEXT NOT NULL,
    sku TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price_minor INTEGER NOT NULL,
    currency TEXT NOT NULL,
    PRIMARY KEY (order_pk, line_no)
) WITHOUT ROWID;
INSERT INTO "order_line" VALUES(1,1,'1','TS-1',1,120000,'VND');
INSERT INTO "order_line" VALUES(1,2,'2','MAT-S',1,350000,'VND');
CREATE TABLE product (
    sku TEXT NOT NULL PRIMARY KEY,
    data TEXT NOT NULL,
    units TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO "product" VALUES('TS-1','{"attributes":{},"b2b":null,"brand":"","category":"tea","channels":{},"description":{"en":"","vi":""},"dimensions":null,"images":[],"name":{"en":"West Lake lotus tea","vi":"Trà sen Tây Hồ"},"ocop":null,"origin":null,"price_vnd":120000,"safety_stock":0,"sku":"TS-1","variants":[],"weight_g":150}','["TS-1"]','74fb09a94e1b7bea6f272d7ae50a7d69e446fb80b95c57469c2aeb2b68b6f26e',1,'2025-12-01T08:30:00.000000Z');
INSERT INTO "product" VALUES('MAT','{"attributes":{},"b2b":null,"brand":"","category":"home","channels":{},"description":{"en":"","vi":""},"dimensions":null,"images":[],"name":{"en":"","vi":"Chiếu cói Nga Sơn"},"ocop":null,"origin":null,"price_vnd":350000,"safety_stock":0,"sku":"MAT","variants":[{"images":[],"options":{"Size":"1m2"},"price_vnd":null,"sku":"MAT-S"},{"images":[],"options":{"Size":"1m6"},"price_vnd":420000,"sku":"MAT-L"}],"weight_g":900}','["MAT-S", "MAT-L"]','3f59c58d01807f31b3440c93a42ac21790486164c472f227d73857e2e468d3d2',1,'2025-12-01T08:30:00.000000Z');
INSERT INTO "product" VALUES('OLD-1','{"attributes":{},"b2b":null,"brand":"","category":"food","channels":{},"description":{"en":"","vi":""},"dimensions":null,"images":[],"name":{"en":"","vi":"Bún khô"},"ocop":null,"origin":null,"price_vnd":30000,"safety_stock":0,"sku":"OLD-1","variants":[],"weight_g":500}','["OLD-1"]','73649f64e0f78e4e631eb51518bf1701c034fd8467b50665ebff24826ddb3c0f',0,'2025-12-01T08:30:00.000000Z');
CREATE TABLE schema_migration (
    name TEXT NOT NULL PRIMARY KEY,
    applied_at TEXT NOT NULL
);
INSERT INTO "schema_migration" VALUES('0001_initial','2025-12-01T08:00:00.000000Z');
CREATE TABLE stock_movement (
    id INTEGER NOT NULL PRIMARY KEY,
    sku TEXT NOT NULL,
    delta INTEGER NOT NULL,
    reason TEXT NOT NULL,
    reference TEXT NOT NULL,
    created_at TEXT NOT NULL,
    note TEXT NOT NULL
);
INSERT INTO "stock_movement" VALUES(1,'TS-1',20,'set','','2025-12-01T07:00:00.000000Z','first count');
INSERT INTO "stock_movement" VALUES(2,'TS-1',-1,'order_reserve','shopee:820001:250101ABC','2025-12-01T08:30:00.000000Z','');
INSERT INTO "stock_movement" VALUES(3,'MAT-S',-1,'order_reserve','shopee:820001:250101ABC','2025-12-01T08:30:00.000000Z','');
CREATE TABLE sync_run (
    id INTEGER NOT NULL PRIMARY KEY,
    command TEXT NOT NULL,
    pid INTEGER NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT
);
INSERT INTO "sync_run" VALUES(1,'sync',4242,'ok','2025-12-01T08:29:00.000000Z','2025-12-01T08:30:00.000000Z');
CREATE TABLE sync_run_channel (
    run_id INTEGER NOT NULL REFERENCES sync_run (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    counts TEXT NOT NULL,
    error TEXT,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (run_id, channel)
);
INSERT INTO "sync_run_channel" VALUES(1,'shopee','{"orders_new":1}',NULL,'2025-12-01T08:30:00.000000Z');
CREATE TABLE token (
    channel TEXT NOT NULL,
    shop_id TEXT NOT NULL,
    access_token TEXT NOT NULL,
    refresh_token TEXT,
    expires_at TEXT NOT NULL,
    refresh_expires_at TEXT,
    extra TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (channel, shop_id)
);
INSERT INTO "token" VALUES('shopee','820001','fixture-access','fixture-refresh','2025-12-01T12:30:00.000000Z','2026-01-01T08:30:00.000000Z','{}','2025-12-01T08:30:00.000000Z');
CREATE INDEX ix_order_created_at ON "order" (created_at);
CREATE INDEX ix_order_line_sku ON order_line (sku);
CREATE INDEX ix_stock_movement_sku ON stock_movement (sku);
CREATE UNIQUE INDEX ux_stock_movement_reference ON stock_movement (sku, reason, reference) WHERE reference <> '';
CREATE TRIGGER stock_movement_no_update BEFORE UPDATE ON stock_movement BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END;
CREATE TRIGGER stock_movement_no_delete BEFORE DELETE ON stock_movement BEGIN SELECT RAISE(ABORT, 'stock movements are append-only'); END;
COMMIT;
