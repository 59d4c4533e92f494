/**
 * The part of better-sqlite3 12.x that Detour uses (the package ships no types and
 * @types/better-sqlite3 is not a dependency). Mirrors its documented API:
 * https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md
 */
declare module 'better-sqlite3' {
  namespace Database {
    interface RunResult {
      changes: number;
      lastInsertRowid: number | bigint;
    }
    interface Statement {
      run(...params: unknown[]): RunResult;
      get(...params: unknown[]): unknown;
      all(...params: unknown[]): unknown[];
    }
    interface Options {
      readonly?: boolean;
      fileMustExist?: boolean;
      /** Busy timeout in ms (default 5000). */
      timeout?: number;
    }
    interface Database {
      prepare(sql: string): Statement;
      exec(sql: string): Database;
      pragma(source: string, options?: { simple?: boolean }): unknown;
      transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
      close(): Database;
      readonly open: boolean;
      readonly name: string;
    }
  }
  const Database: new (filename: string, options?: Database.Options) => Database.Database;
  export = Database;
}
