//! Scene images: the field read from the scenario file, the image looked for beside it, and a missing file, a path outside the folder or an empty alt text reported at its place.

use silent_slavery_scenario::library::load_file;
use silent_slavery_scenario::model::catalog::Catalog;
use silent_slavery_scenario::model::scenario::{SceneImage, Step};

const FIXTURE: &str = include_str!("fixtures/front_counter.ron");

/// The fixture with `image` added to its first scene, written to `dir/scenario.ron`.
fn write_with_image(dir: &std::path::Path, image: &str) -> std::path::PathBuf {
    let anchor = "            next: \"concerns\",\n";
    assert!(FIXTURE.contains(anchor));
    let text = FIXTURE.replacen(anchor, &format!("{anchor}            image: {image},\n"), 1);
    let file = dir.join("scenario.ron");
    std::fs::write(&file, text).expect("written");
    file
}

/// (line, column) of `needle` in the file.
fn place(file: &std::path::Path, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(file).expect("read");
    let offset = text.find(needle).expect("in the file");
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |n| n + 1) + 1;
    (line, column)
}

#[test]
fn a_scene_image_beside_the_file_is_read_with_its_alt_text() {
    let catalog = Catalog::embedded().expect("catalogue");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("images")).expect("folder");
    std::fs::write(dir.path().join("images/counter.png"), b"not checked here").expect("image");
    let file = write_with_image(
        dir.path(),
        r#"(file: "images/counter.png", alt: "A police station front counter with a glass screen")"#,
    );
    let loaded = load_file(&file, &catalog).expect("valid");
    let Step::Scene(scene) = &loaded.scenario.steps[0] else {
        panic!("a scene first");
    };
    assert_eq!(
        scene.image,
        Some(SceneImage {
            file: "images/counter.png".into(),
            alt: "A police station front counter with a glass screen".into(),
        })
    );
    // Scenes without one have none.
    let plain = silent_slavery_scenario::library::load_bytes("f.ron", FIXTURE.as_bytes(), &catalog)
        .expect("valid");
    let Step::Scene(scene) = &plain.scenario.steps[0] else {
        panic!("a scene first");
    };
    assert_eq!(scene.image, None);
}

#[test]
fn a_missing_image_an_image_outside_the_folder_and_no_alt_text_are_errors_at_their_place() {
    let catalog = Catalog::embedded().expect("catalogue");
    let dir = tempfile::tempdir().expect("temp dir");
    for (image, code, needle) in [
        (
            r#"(file: "images/missing.png", alt: "A yard")"#,
            "image-not-found",
            "\"images/missing.png\"",
        ),
        (
            r#"(file: "../outside.png", alt: "A yard")"#,
            "image-not-found",
            "\"../outside.png\"",
        ),
        (
            r#"(file: "/etc/hosts", alt: "A yard")"#,
            "image-not-found",
            "\"/etc/hosts\"",
        ),
        (
            r#"(file: "yard.png", alt: "  ")"#,
            "image-without-alt",
            "\"  \"",
        ),
    ] {
        std::fs::write(dir.path().join("yard.png"), b"png").expect("image");
        let file = write_with_image(dir.path(), image);
        let diagnostics = load_file(&file, &catalog).expect_err(image);
        let found: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.problem.code() == code)
            .collect();
        assert_eq!(found.len(), 1, "{image}: {diagnostics:#?}");
        let (line, column) = place(&file, needle);
        assert_eq!(
            (found[0].position.line, found[0].position.column),
            (line, column),
            "{image}: {}",
            found[0].problem
        );
        assert_eq!(found[0].file, file.display().to_string());
    }
}
