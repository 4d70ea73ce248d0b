//! A real `redis-server` on a free loopback port, persistence off, killed on drop (even when
//! the test panics).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    port: u16,
    child: Option<Child>,
}

const MISSING: &str = "redis-server is not on PATH: the fleet tests need a real Redis. \
Install it with `apt-get install redis-server` (Debian/Ubuntu; .ci/run does this in CI)";

impl RedisServer {
    pub fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("pick a free loopback port")
            .port();
        let mut server = Self { port, child: None };
        server.launch();
        server
    }

    /// A port where nothing listens (Redis down from the start).
    pub fn unused_url() -> String {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("pick a free loopback port")
            .port();
        format!("redis://127.0.0.1:{port}")
    }

    fn launch(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--protected-mode", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!("{MISSING}"),
            Err(e) => panic!("could not start redis-server: {e}"),
        };
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut c) = self.connection()
                && redis::cmd("PING").query::<String>(&mut c).is_ok()
            {
                return;
            }
            assert!(Instant::now() < deadline, "redis-server did not come up");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    pub fn connection(&self) -> redis::RedisResult<redis::Connection> {
        redis::Client::open(self.url())?.get_connection_with_timeout(Duration::from_secs(1))
    }

    /// Kills the server (SIGKILL): everything it held is gone.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-CONT", &child.id().to_string()])
                .status();
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts a new, empty server on the same port.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }

    /// SIGSTOP: the server accepts connections (the kernel does) but answers nothing.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// SIGCONT.
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let child = self.child.as_ref().expect("redis-server is running");
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
    }

    /// Every key and its raw value (strings only; the client stores nothing else).
    pub fn dump(&self) -> Vec<(String, Vec<u8>)> {
        let mut c = self.connection().expect("connect to redis-server");
        let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut c).expect("KEYS");
        keys.into_iter()
            .filter_map(|k| {
                let v: Option<Vec<u8>> = redis::cmd("GET").arg(&k).query(&mut c).expect("GET");
                v.map(|v| (k, v))
            })
            .collect()
    }

    pub fn token_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .dump()
            .into_iter()
            .map(|(k, _)| k)
            .filter(|k| k.ends_with(":token"))
            .collect();
        keys.sort();
        keys
    }

    pub fn get(&self, key: &str) -> Option<Vec<u8>> {
        let mut c = self.connection().expect("connect to redis-server");
        redis::cmd("GET").arg(key).query(&mut c).expect("GET")
    }

    pub fn set(&self, key: &str, value: &[u8], ttl: Duration) {
        let mut c = self.connection().expect("connect to redis-server");
        let () = redis::cmd("SET")
            .arg(key)
            .arg(value)
            .arg("PX")
            .arg(ttl.as_millis() as u64)
            .query(&mut c)
            .expect("SET");
    }

    /// `CONFIG SET name value`.
    pub fn config(&self, name: &str, value: &str) {
        let mut c = self.connection().expect("connect to redis-server");
        let () = redis::cmd("CONFIG")
            .arg("SET")
            .arg(name)
            .arg(value)
            .query(&mut c)
            .expect("CONFIG SET");
    }

    pub fn del(&self, key: &str) {
        let mut c = self.connection().expect("connect to redis-server");
        let _: i64 = redis::cmd("DEL").arg(key).query(&mut c).expect("DEL");
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
