#pragma once

#include <QStringList>

namespace EasyCrm::Testing {

// Records every log line of the process, with every easycrm category switched to debug, so
// a test can prove that no secret reaches a log. Create it in initTestCase(): QTest installs
// its own handler when the test starts.
class LogCapture
{
public:
    LogCapture();
    ~LogCapture();
    Q_DISABLE_COPY_MOVE(LogCapture)

    QStringList lines() const;
};

} // namespace EasyCrm::Testing
