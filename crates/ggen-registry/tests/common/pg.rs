//! A throwaway PostgreSQL cluster: `initdb` + `pg_ctl` in a temporary directory, listening on a
//! free loopback port, trust authentication, no system service. PostgreSQL refuses to run as
//! root, so when the tests run as root the server binaries run as the `postgres` user.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct PgCluster {
    dir: tempfile::TempDir,
    as_user: Option<String>,
    pub port: u16,
}

fn bin(name: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path().join("bin").join(name))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found.pop().or_else(|| {
        std::env::var_os("PATH").and_then(|p| {
            std::env::split_paths(&p)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn describe(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

impl PgCluster {
    fn cmd(&self, program: &Path) -> Command {
        match &self.as_user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(program);
                c
            }
            None => Command::new(program),
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// initdb and start; `Err` says why PostgreSQL is not usable here.
    pub fn start() -> Result<Self, String> {
        let initdb = bin("initdb").ok_or("PostgreSQL is not installed (no initdb)")?;
        bin("pg_ctl").ok_or("PostgreSQL is not installed (no pg_ctl)")?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        let as_user = root.then(|| "postgres".to_owned());
        if as_user.is_some() {
            let ok = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir.path())
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return Err("running as root and cannot hand the cluster to user postgres".into());
            }
        }
        let c = Self {
            dir,
            as_user,
            port: free_port(),
        };
        let out = c
            .cmd(&initdb)
            .arg("-D")
            .arg(c.data())
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"])
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!("initdb failed: {}", describe(&out)));
        }
        c.pg_ctl_start()?;
        Ok(c)
    }

    fn pg_ctl_start(&self) -> Result<(), String> {
        let pg_ctl = bin("pg_ctl").ok_or("no pg_ctl")?;
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        let out = self
            .cmd(&pg_ctl)
            .arg("-D")
            .arg(self.data())
            .args(["-o", &opts, "-w", "-t", "60", "-l"])
            .arg(self.dir.path().join("log"))
            .arg("start")
            .output()
            .map_err(|e| format!("pg_ctl: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            let log = std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default();
            Err(format!("pg_ctl start failed: {}\n{log}", describe(&out)))
        }
    }

    /// Stop the server (fast shutdown: connections are closed).
    pub fn stop(&self) {
        let pg_ctl = bin("pg_ctl").unwrap();
        let out = self
            .cmd(&pg_ctl)
            .arg("-D")
            .arg(self.data())
            .args(["-m", "fast", "-w", "stop"])
            .output()
            .unwrap();
        assert!(out.status.success(), "pg_ctl stop: {}", describe(&out));
    }

    /// Start it again on the same port.
    pub fn restart(&self) {
        self.pg_ctl_start().unwrap();
    }

    /// Run SQL with psql against database `db`.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let psql = bin("psql").expect("psql");
        let out = Command::new(psql)
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args([
                "-U",
                "postgres",
                "-d",
                db,
                "-v",
                "ON_ERROR_STOP=1",
                "-qAt",
                "-c",
                sql,
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "psql {sql}: {}", describe(&out));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Create a database and return its URL.
    pub fn database(&self, name: &str) -> String {
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(name)
    }

    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if let Some(pg_ctl) = bin("pg_ctl") {
            let _ = self
                .cmd(&pg_ctl)
                .arg("-D")
                .arg(self.data())
                .args(["-m", "immediate", "stop"])
                .output();
        }
    }
}
