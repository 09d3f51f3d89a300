//! Course definitions: names a learning system matches exactly are checked when read, at their line and column.

use silent_slavery_results::course::load_courses;
use silent_slavery_scenario::load::diagnostic::Problem;

fn course(id: &str, short_name: &str, id_number: &str) -> String {
    format!(
        "Course(\n    id: {id:?},\n    title: \"A course\",\n    short_name: {short_name:?},\n    id_number: {id_number:?},\n    scenarios: [\"front_counter_walk_in\"],\n    move_on: Passed,\n)\n"
    )
}

/// Loads the given files (name, text) from a fresh folder: the ids of the courses loaded and
/// each problem as (file, line, column, problem).
fn load(files: &[(&str, String)]) -> (Vec<String>, Vec<(String, usize, usize, Problem)>) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("written");
    }
    let (courses, problems) = load_courses(dir.path());
    (
        courses.into_iter().map(|c| c.id).collect(),
        problems
            .into_iter()
            .map(|d| {
                let file = std::path::Path::new(&d.file)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (file, d.position.line, d.position.column, d.problem)
            })
            .collect(),
    )
}

#[test]
fn a_stray_space_in_a_short_name_or_id_number_is_refused_where_it_is_written() {
    let (loaded, problems) = load(&[
        ("a.ron", course("airport", "SS-Airport ", "SS-001")),
        ("b.ron", course("border", "SS-Border", " SS-002")),
        ("c.ron", course("custody", "", "SS-003")),
        ("d.ron", course("desk", "SS-Desk", "SS-004")),
        ("e.ron", course("estate", "SS-Estate", "SS-\n005")),
    ]);
    assert_eq!(loaded, ["desk"]);
    assert_eq!(
        problems,
        [
            (
                "a.ron".to_owned(),
                4,
                17,
                Problem::LearningSystemName {
                    field: "short_name",
                    value: "SS-Airport ".into(),
                    fault: "ends with a space"
                }
            ),
            (
                "b.ron".to_owned(),
                5,
                16,
                Problem::LearningSystemName {
                    field: "id_number",
                    value: " SS-002".into(),
                    fault: "starts with a space"
                }
            ),
            (
                "c.ron".to_owned(),
                4,
                17,
                Problem::LearningSystemName {
                    field: "short_name",
                    value: String::new(),
                    fault: "is empty"
                }
            ),
            (
                "e.ron".to_owned(),
                5,
                16,
                Problem::LearningSystemName {
                    field: "id_number",
                    value: "SS-\n005".into(),
                    fault: "holds a line break or other control character"
                }
            ),
        ]
    );
    let message = problems[0].3.to_string();
    assert!(
        message.contains("\"SS-Airport \", which ends with a space"),
        "{message}"
    );
}

#[test]
fn two_courses_may_not_share_a_name() {
    let (loaded, problems) = load(&[
        ("a.ron", course("airport", "SS-Airport", "SS-001")),
        ("b.ron", course("border", "SS-Airport", "SS-001")),
        ("c.ron", course("airport", "SS-Other", "SS-009")),
    ]);
    assert_eq!(loaded, ["airport"]);
    let codes: Vec<(&str, &str)> = problems
        .iter()
        .map(|(file, _, _, p)| match p {
            Problem::DuplicateCourseName { field, other, .. } => {
                assert!(other.ends_with("a.ron"), "{other}");
                (file.as_str(), *field)
            }
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("b.ron", "short_name"),
            ("b.ron", "id_number"),
            ("c.ron", "id")
        ]
    );
}
