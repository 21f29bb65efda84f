//! A deliberately faulty component for the host's sandbox tests (SPEC PL-5): it loops,
//! grows memory without end and traps after writing, so the tests can prove that the host
//! stops it, rolls its writes back and keeps serving.

// The probe links against the host's imports, which exist only inside a component.
#[cfg(target_arch = "wasm32")]
mod probe {
    mod bindings {
        wit_bindgen::generate!({
            world: "helpdesk:probe/sandbox-probe",
            path: ["../wit", "wit"],
            // The chat interfaces the probe imports come from the contract package.
            generate_all,
        });
    }

    use bindings::exports::helpdesk::probe::faults::Guest;
    use bindings::helpdesk::chat::{issues, mail, storage};

    struct Probe;

    bindings::export!(Probe with_types_in bindings);

    impl Guest for Probe {
        fn loop_forever() {
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }

        fn grow_memory() -> u64 {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 1 << 20]);
                std::hint::black_box(&hoard);
            }
        }

        fn write_then_trap(key: String) {
            storage::set(&key, b"written before a trap").expect("storage write");
            panic!("the probe traps on purpose after writing {key}");
        }

        fn write_then_fail(key: String) -> Result<(), String> {
            storage::set(&key, b"written before an error").map_err(|e| format!("{e:?}"))?;
            Err(format!("the probe fails on purpose after writing {key}"))
        }

        fn write(key: String) {
            storage::set(&key, b"kept").expect("storage write");
        }

        fn send_mail(to: String, fail: bool) -> Result<(), String> {
            let message = mail::Message {
                to: vec![to],
                subject: "Probe".into(),
                body: "A probe mail.".into(),
            };
            mail::send(&message).map_err(|e| format!("{e:?}"))?;
            if fail {
                Err("the probe fails on purpose after queueing a mail".into())
            } else {
                Ok(())
            }
        }

        fn comment_on_issue(issue: String, body: String, fail: bool) -> Result<u64, String> {
            let id = issues::append_history(&issue, Some("alice"), issues::HistoryKind::Comment, &body)
                .map_err(|e| format!("{e:?}"))?;
            if fail {
                Err("the probe fails on purpose after commenting".into())
            } else {
                Ok(id)
            }
        }
    }
}
