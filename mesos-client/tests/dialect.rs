//! The Mesos JSON dialect field types: round trips, the 64-bit values above
//! 2^53, base64 with and without padding, the special doubles, and the
//! durations and times found in the upstream examples (read from
//! `../shared/upstream/mesos` at run time, skipped when absent).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use mesos_client::dialect::{
    Base64Bytes, Double, DurationInfo, Int64, ProtoDuration, TimeInfo, Uint64,
};
use serde_json::Value;

fn read<T: serde::de::DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn write<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

#[test]
fn int64_reads_numbers_and_strings_and_writes_numbers() {
    for (json, want) in [
        ("1470820172046531840", 1_470_820_172_046_531_840),
        ("\"1470820172046531840\"", 1_470_820_172_046_531_840),
        ("9007199254740993", 9_007_199_254_740_993), // 2^53 + 1
        ("-5", -5),
        ("\"-5\"", -5),
        ("0", 0),
        ("1e3", 1000),
        ("9223372036854775807", i64::MAX),
        ("\"-9223372036854775808\"", i64::MIN),
    ] {
        let v: Int64 = read(json);
        assert_eq!(v.get(), want, "{json}");
        assert_eq!(write(&v), want.to_string());
    }
    for bad in [
        "9223372036854775808",
        "\"9223372036854775808\"",
        "1.5",
        "\"1.5\"",
        "\"\"",
        "\"12 \"",
        "true",
        "null",
        "9.3e18",
    ] {
        assert!(serde_json::from_str::<Int64>(bad).is_err(), "{bad}");
    }
}

#[test]
fn uint64_covers_the_whole_range() {
    let v: Uint64 = read("18446744073709551615");
    assert_eq!(v, Uint64(u64::MAX));
    assert_eq!(write(&v), "18446744073709551615");
    assert_eq!(read::<Uint64>("\"18446744073709551615\""), Uint64(u64::MAX));
    for bad in [
        "-1",
        "\"-1\"",
        "18446744073709551616",
        "1.8446744073709552e19",
    ] {
        assert!(serde_json::from_str::<Uint64>(bad).is_err(), "{bad}");
    }
}

#[test]
fn base64_accepts_missing_padding_and_writes_it() {
    for (json, want) in [
        ("\"aGVsbG8=\"", &b"hello"[..]),
        ("\"aGVsbG8\"", b"hello"),
        ("\"aGk=\"", b"hi"),
        ("\"aGk\"", b"hi"),
        ("\"\"", b""),
        (
            "\"t+Wonz5fRFKMzCnEptlv5A==\"",
            b"\xb7\xe5\xa8\x9f\x3e\x5f\x44\x52\x8c\xcc\x29\xc4\xa6\xd9\x6f\xe4",
        ),
    ] {
        let v: Base64Bytes = read(json);
        assert_eq!(v.as_bytes(), want, "{json}");
        let again: Base64Bytes = read(&write(&v));
        assert_eq!(again, v);
        assert!(write(&v).len() % 4 == 2, "padded: {}", write(&v)); // quotes + 4n
    }
    assert_eq!(write(&Base64Bytes::from(&b"hello"[..])), "\"aGVsbG8=\"");
    for bad in ["\"a\"", "\"!!!!\"", "\"aGVsbG8-\"", "\"aGVs bG8=\"", "5"] {
        assert!(serde_json::from_str::<Base64Bytes>(bad).is_err(), "{bad}");
    }
}

#[test]
fn doubles_read_and_write_the_special_values() {
    let inf: Double = read("\"Infinity\"");
    assert_eq!(inf.get(), f64::INFINITY);
    assert_eq!(write(&inf), "\"Infinity\"");
    let neg: Double = read("\"-Infinity\"");
    assert_eq!(neg.get(), f64::NEG_INFINITY);
    assert_eq!(write(&neg), "\"-Infinity\"");
    let nan: Double = read("\"NaN\"");
    assert!(nan.get().is_nan());
    assert_eq!(write(&nan), "\"NaN\"");
    for (json, want) in [
        ("15.0", 15.0),
        ("15", 15.0),
        ("-0.25", -0.25),
        ("\"2.5\"", 2.5),
        ("1e300", 1e300),
        ("1470820172.046", 1_470_820_172.046),
    ] {
        let v: Double = read(json);
        assert_eq!(v.get(), want, "{json}");
        assert_eq!(
            read::<Double>(&write(&v)).get(),
            want,
            "round trip of {json}"
        );
    }
    assert_eq!(write(&Double(15.0)), "15.0");
    for bad in ["\"fast\"", "true", "null", "[]"] {
        assert!(serde_json::from_str::<Double>(bad).is_err(), "{bad}");
    }
}

#[test]
fn duration_and_time_info_round_trip() {
    let json = r#"{"nanoseconds":1470820172046531840}"#;
    let t: TimeInfo = read(json);
    assert_eq!(t.nanoseconds(), 1_470_820_172_046_531_840);
    assert_eq!(write(&t), json);
    assert_eq!(
        t.to_system_time(),
        UNIX_EPOCH + Duration::from_nanos(1_470_820_172_046_531_840)
    );
    assert_eq!(TimeInfo::from_system_time(t.to_system_time()), t);
    // A string on input, a number on output; unknown fields are kept.
    let t: TimeInfo = read(r#"{"nanoseconds":"-1000","zone":"UTC"}"#);
    assert_eq!(t.nanoseconds(), -1000);
    assert_eq!(t.to_system_time(), UNIX_EPOCH - Duration::from_micros(1));
    assert_eq!(
        TimeInfo::from_system_time(t.to_system_time()).nanoseconds(),
        -1000
    );
    assert_eq!(write(&t), r#"{"nanoseconds":-1000,"zone":"UTC"}"#);

    let d = DurationInfo::from_std(Duration::from_secs(5));
    assert_eq!(write(&d), r#"{"nanoseconds":5000000000}"#);
    assert_eq!(d.to_std(), Some(Duration::from_secs(5)));
    assert_eq!(DurationInfo::from_nanos(-1).to_std(), None);
    assert_eq!(
        DurationInfo::from_std(Duration::MAX).nanoseconds(),
        i64::MAX,
        "saturates"
    );
}

#[test]
fn protobuf_durations_are_objects() {
    let d: ProtoDuration = read(r#"{"seconds": 600}"#);
    assert_eq!(d.to_std(), Some(Duration::from_secs(600)));
    assert_eq!(write(&d), r#"{"seconds":600}"#, "no nanos added");
    let d: ProtoDuration = read(r#"{"seconds":"1","nanos":500000000}"#);
    assert_eq!(d.to_std(), Some(Duration::from_millis(1500)));
    assert_eq!(read::<ProtoDuration>("{}").to_std(), Some(Duration::ZERO));
    assert_eq!(read::<ProtoDuration>(r#"{"seconds":-1}"#).to_std(), None);
    assert_eq!(
        write(&ProtoDuration::from_std(Duration::from_millis(2500))),
        r#"{"seconds":2,"nanos":500000000}"#
    );
    assert_eq!(
        write(&ProtoDuration::from_std(Duration::from_secs(600))),
        r#"{"seconds":600}"#
    );
    assert!(serde_json::from_str::<ProtoDuration>(r#""600s""#).is_err());
}

dcos_auth::json_model! {
    /// A model made of dialect fields.
    pub struct Sample {
        /// int64.
        "id" id: Int64,
        /// Optional double.
        "timeout" timeout: Option<Double>,
        /// Optional bytes.
        "data" data: Option<Base64Bytes>,
        /// Optional duration.
        "grace" grace: Option<DurationInfo>,
    }
}

#[test]
fn dialect_fields_work_in_json_models() {
    let json =
        r#"{"id":"1470820172046531840","timeout":"Infinity","data":"aGk","grace":null,"new":1}"#;
    let s: Sample = read(json);
    assert_eq!(s.id, Int64(1_470_820_172_046_531_840));
    assert_eq!(s.timeout, Some(Double(f64::INFINITY)));
    assert_eq!(s.data.as_deref(), Some(&b"hi"[..]));
    assert_eq!(s.grace, None);
    assert_eq!(
        write(&s),
        r#"{"id":1470820172046531840,"timeout":"Infinity","data":"aGk=","grace":null,"new":1}"#
    );
    let err = dcos_auth::decode_json::<Sample>(br#"{"id":1,"data":"***"}"#, || "sample".into())
        .unwrap_err();
    assert!(err.to_string().contains("`data`"), "{err}");
}

// ---------------------------------------------------------------------------
// Upstream examples.

fn upstream() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream/mesos");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: {} is absent (upstream Mesos examples not available)",
            dir.display()
        );
        None
    }
}

/// Calls `each(key, value)` for every member of every object in `value`.
fn walk(value: &Value, each: &mut impl FnMut(&str, &Value)) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                each(k, v);
                walk(v, each);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, each)),
        _ => {}
    }
}

/// Every `{"nanoseconds": …}` object in the upstream examples decodes as a
/// `TimeInfo` (and `DurationInfo`) and is written back with the same digits;
/// every `google.protobuf.Duration` decodes; every base64 `data` value
/// decodes and is written back unchanged.
#[test]
fn upstream_examples_survive_a_round_trip() {
    let Some(dir) = upstream() else { return };
    let (mut times, mut durations, mut blobs) = (0, 0, 0);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(doc) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        walk(&doc, &mut |key, value| {
            let Some(obj) = value.as_object() else {
                if key == "data" {
                    if let Some(text) = value.as_str() {
                        let b: Base64Bytes = serde_json::from_value(value.clone())
                            .unwrap_or_else(|e| panic!("{name}: data {text:?}: {e}"));
                        assert_eq!(b.to_base64(), text, "{name}");
                        blobs += 1;
                    }
                }
                return;
            };
            if obj.len() == 1 && obj.contains_key("nanoseconds") {
                let raw = value.to_string();
                let t: TimeInfo = serde_json::from_str(&raw).unwrap();
                assert_eq!(write(&t), raw, "{name}");
                let d: DurationInfo = serde_json::from_str(&raw).unwrap();
                assert_eq!(write(&d), raw, "{name}");
                times += 1;
            }
            if key == "max_grace_period" {
                let d: ProtoDuration = serde_json::from_value(value.clone()).unwrap();
                assert_eq!(d.to_std(), Some(Duration::from_secs(600)), "{name}");
                durations += 1;
            }
        });
    }
    println!("upstream: {times} times, {durations} protobuf durations, {blobs} data blobs");
    assert!(times >= 5 && durations >= 1 && blobs >= 2);
}
