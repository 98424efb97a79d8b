#include "models/providerlistmodel.h"
#include "models/translations.h"
#include "tests/ui/samplestatuses.h"
#include "tests/ui/screenshot.h"
#include "ui/mainwindow.h"
#include "ui/socialintegrationpage.h"
#include "ui/theme.h"

#include <QApplication>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QTest>

using namespace EasyCrm;
using namespace EasyCrm::Testing;
using EasyCrm::Models::ProviderListModel;
using EasyCrm::Ui::MainWindow;
using EasyCrm::Ui::SocialIntegrationPage;

class TestMainWindow final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void titleAndSize();
    void pagesAreAddedToTheNavigation();
    void hiddenPageGivesWayToTheFirstVisible();
    void statusTextIsShown();
    void screenshots_data();
    void screenshots();
};

void TestMainWindow::initTestCase()
{
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestMainWindow::titleAndSize()
{
    MainWindow window;
    QCOMPARE(window.windowTitle(), QStringLiteral("EasyCRM Social Connect"));
    QVERIFY(window.minimumWidth() >= 900);
    QVERIFY(window.minimumHeight() >= 600);
    QCOMPARE(qApp->style()->name(), QStringLiteral("fusion"));
}

void TestMainWindow::pagesAreAddedToTheNavigation()
{
    MainWindow window;
    auto *social = new QLabel(QStringLiteral("social"));
    auto *brands = new QLabel(QStringLiteral("brands"));
    QCOMPARE(window.addPage(QStringLiteral("Social Integration"), social), 0);
    QCOMPARE(window.addPage(QStringLiteral("Brand Accounts"), brands), 1);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigationList"));
    QCOMPARE(navigation->count(), 2);
    QCOMPARE(navigation->item(1)->text(), QStringLiteral("Brand Accounts"));
    QCOMPARE(window.currentPage(), social);

    const QRect second = navigation->visualItemRect(navigation->item(1));
    QTest::mouseClick(navigation->viewport(), Qt::LeftButton, {}, second.center());
    QCOMPARE(window.currentPage(), brands);

    window.showPage(social);
    QCOMPARE(window.currentPage(), social);
    QCOMPARE(navigation->currentRow(), 0);
}

// A page the signed-in user may not use leaves the navigation, and never stays on screen.
void TestMainWindow::hiddenPageGivesWayToTheFirstVisible()
{
    MainWindow window;
    auto *social = new QLabel(QStringLiteral("social"));
    auto *brands = new QLabel(QStringLiteral("brands"));
    window.addPage(QStringLiteral("Social Integration"), social);
    window.addPage(QStringLiteral("Brand Accounts"), brands, MainWindow::PageLevel::Sub);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigationList"));
    QCOMPARE(navigation->item(1)->text(), QStringLiteral("Brand Accounts"));

    window.showPage(brands);
    window.setPageVisible(brands, false);
    QVERIFY(navigation->item(1)->isHidden());
    QVERIFY(!window.isPageVisible(brands));
    QCOMPARE(window.currentPage(), social);

    window.setPageVisible(brands, true);
    QVERIFY(window.isPageVisible(brands));
    QCOMPARE(window.currentPage(), social);
}

void TestMainWindow::statusTextIsShown()
{
    MainWindow window;
    window.setStatusText(QStringLiteral("Database: crm.sqlite — Signed in as admin"));
    const auto *label = window.findChild<QLabel *>(QStringLiteral("statusText"));
    QCOMPARE(label->text(), QStringLiteral("Database: crm.sqlite — Signed in as admin"));
    QCOMPARE(window.statusText(), label->text());
}

void TestMainWindow::screenshots_data()
{
    QTest::addColumn<QString>("scene");
    QTest::newRow("social-integration") << QStringLiteral("social-integration");
    QTest::newRow("social-integration-waiting") << QStringLiteral("social-integration-waiting");
    QTest::newRow("social-integration-error") << QStringLiteral("social-integration-error");
}

// Writes the screens a reviewer looks at into the test's build directory.
void TestMainWindow::screenshots()
{
    QFETCH(QString, scene);

    ManualClock clock(sampleNow());
    ProviderListModel model(&clock);
    model.setStatuses(sampleStatuses());
    MainWindow window;
    auto *page = new SocialIntegrationPage(&model);
    window.addPage(QStringLiteral("Social Integration"), page);
    window.setStatusText(QStringLiteral("Database: easycrm.sqlite (embedded) · Signed in as "
                                        "admin"));
    if (scene.endsWith(u"-waiting")) {
        page->showWaiting(QStringLiteral("facebook"),
                          QUrl(QStringLiteral("http://127.0.0.1:4010/auth?state=s")));
    } else if (scene.endsWith(u"-error")) {
        page->showError(QStringLiteral("Social connection was not authorized. The required "
                                       "scopes are needed for listening and engagement"));
    } else {
        page->showSuccess(QStringLiteral("Sandbox is connected."));
    }

    const QString path = saveScreenshot(window, scene);
    QVERIFY2(!path.isEmpty(), qPrintable(scene));
    const QImage image(path);
    QCOMPARE(image.size(), window.size() * window.devicePixelRatio());
    // Something was drawn: a blank grab has a single colour.
    QVERIFY(image.pixel(10, 10) != image.pixel(image.width() / 2, image.height() / 3) ||
            image.pixel(10, 10) != image.pixel(image.width() - 40, 120));
    qInfo("screenshot: %s", qPrintable(path));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
