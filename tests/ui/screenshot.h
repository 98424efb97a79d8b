#pragma once

#include <QString>

class QWidget;

namespace EasyCrm::Testing {

// Renders `widget` to `<directory>/<name>.png` and returns the file's path, or an empty
// string when it could not be written. A hidden widget is shown (offscreen in tests) for the
// shot and hidden again. `directory` defaults to $EASYCRM_SCREENSHOT_DIR, else the running
// test's own build directory.
[[nodiscard]] QString saveScreenshot(QWidget &widget, const QString &name,
                                     const QString &directory = {});

// Where the pictures the README shows go: $EASYCRM_README_SCREENSHOT_DIR (docs/screenshots when
// refreshing them), else wherever saveScreenshot() puts the others, so that running the suite
// never rewrites tracked files.
[[nodiscard]] QString readmeScreenshotDirectory();

} // namespace EasyCrm::Testing
