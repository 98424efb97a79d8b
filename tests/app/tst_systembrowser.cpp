// The hand-off to the person's browser: the URL reaches the opener unchanged, and an opener
// that finds no browser (xdg-open exits 3 and prints the URL) is reported, not ignored.
#include "core/service/systembrowser.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace EasyCrm;

class TestSystemBrowser final : public QObject
{
    Q_OBJECT

private slots:
    void urlReachesTheOpenerUnchanged();
    void openerWithoutBrowserIsReported_data();
    void openerWithoutBrowserIsReported();
};

void TestSystemBrowser::urlReachesTheOpenerUnchanged()
{
    QTemporaryDir dir;
    const QString received = dir.filePath(QStringLiteral("url"));
    SystemBrowser browser;
    browser.setOpener(QStringLiteral("sh"),
                      {QStringLiteral("-c"),
                       QStringLiteral("printf %s \"$1\" > '%1'; touch '%1.done'").arg(received),
                       QStringLiteral("opener")});
    QSignalSpy failed(&browser, &SystemBrowser::failed);
    const QUrl url(QStringLiteral("http://127.0.0.1:4010/auth?client_id=a%2Bb&scope=openid%20"
                                  "profile&state=abc_-123"),
                   QUrl::StrictMode);
    QVERIFY(browser.open(url));
    QTRY_VERIFY(QFile::exists(received + u".done"));
    QFile file(received);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), url.toEncoded());
    QVERIFY(failed.isEmpty());
}

void TestSystemBrowser::openerWithoutBrowserIsReported_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no-browser-exit-3")
        << QStringLiteral("sh")
        << QStringList{QStringLiteral("-c"), QStringLiteral("echo \"$1\" >&2; exit 3"),
                       QStringLiteral("opener")};
    QTest::newRow("opener-missing") << QStringLiteral("/nonexistent/xdg-open") << QStringList{};
}

void TestSystemBrowser::openerWithoutBrowserIsReported()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    SystemBrowser browser;
    browser.setOpener(program, arguments);
    QSignalSpy failed(&browser, &SystemBrowser::failed);
    QVERIFY(browser.open(QUrl(QStringLiteral("http://127.0.0.1:4010/auth?state=secret-state"))));
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.size(), 1);
}

QTEST_GUILESS_MAIN(TestSystemBrowser)
#include "tst_systembrowser.moc"
