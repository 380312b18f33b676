/* The SQLite workload (C): builds a table of ROWS generated orders in the database file DB_PATH
 * (journal in memory), indexes it, runs grouped, ranked and filtered queries and prints every
 * result row. Built with SQLite's amalgamation for wasm32-wasi and natively from the same source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlite3.h"
static int print_row(void *unused, int n, char **vals, char **names) {
  (void)unused; (void)names;
  for (int i = 0; i < n; i++) printf("%s%s", i ? "|" : "", vals[i] ? vals[i] : "NULL");
  printf("\n");
  return 0;
}
static void exec(sqlite3 *db, const char *sql) {
  char *err = NULL;
  if (sqlite3_exec(db, sql, print_row, NULL, &err) != SQLITE_OK) { fprintf(stderr, "sqlite: %s in: %s\n", err, sql); exit(1); }
}
int main(int argc, char **argv) {
  if (argc < 3) { fprintf(stderr, "usage: %s DB_PATH ROWS\n", argv[0]); return 2; }
  int rows = atoi(argv[2]);
  sqlite3 *db;
  if (sqlite3_open(argv[1], &db) != SQLITE_OK) { fprintf(stderr, "cannot open %s: %s\n", argv[1], sqlite3_errmsg(db)); return 1; }
  exec(db, "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;");
  exec(db, "CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT, region INTEGER, amount INTEGER, note TEXT)");
  sqlite3_stmt *ins;
  sqlite3_prepare_v2(db, "INSERT INTO orders(customer, region, amount, note) VALUES(?, ?, ?, ?)", -1, &ins, NULL);
  exec(db, "BEGIN");
  unsigned s = 12345;
  char customer[32], note[64];
  for (int i = 0; i < rows; i++) {
    s = s * 1103515245u + 12345u; int c = (s >> 8) % 997;
    s = s * 1103515245u + 12345u; int region = (s >> 8) % 17;
    s = s * 1103515245u + 12345u; int amount = (s >> 8) % 100000;
    snprintf(customer, sizeof customer, "customer-%03d", c);
    snprintf(note, sizeof note, "order %d of %s in region %d", i, customer, region);
    sqlite3_bind_text(ins, 1, customer, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ins, 2, region);
    sqlite3_bind_int(ins, 3, amount);
    sqlite3_bind_text(ins, 4, note, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(ins) != SQLITE_DONE) { fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db)); return 1; }
    sqlite3_reset(ins);
  }
  sqlite3_finalize(ins);
  exec(db, "COMMIT");
  exec(db, "CREATE INDEX orders_customer ON orders(customer)");
  exec(db, "SELECT region, count(*), sum(amount), min(amount), max(amount) FROM orders GROUP BY region ORDER BY region");
  exec(db, "SELECT customer, count(*), sum(amount) FROM orders GROUP BY customer ORDER BY sum(amount) DESC, customer LIMIT 5");
  exec(db, "SELECT count(*), sum(amount) FROM orders WHERE amount BETWEEN 25000 AND 50000 AND note LIKE '%region 3'");
  exec(db, "SELECT sqlite_version()");
  sqlite3_close(db);
  return 0;
}
