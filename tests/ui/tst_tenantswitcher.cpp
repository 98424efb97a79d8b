// "Acting on" in the main window's navigation on its own: hidden until app/ shows it, the host
// first and then the tenants in its menu, the current one checked, a choice asked for through
// tenantRequested, long or odd names shown whole in the tooltip, and a refusal under it.
#include "models/translations.h"
#include "tests/ui/screenshot.h"
#include "ui/mainwindow.h"
#include "ui/tenantswitcher.h"
#include "ui/theme.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace EasyCrm;
using EasyCrm::Ui::MainWindow;
using EasyCrm::Ui::TenantSwitcher;

namespace {

const QUuid kAcme = QUuid::fromString(u"7d1c4a6e-3b1f-4f0e-9a51-0c7c2d5e8f10");
const QUuid kGlobex = QUuid::fromString(u"2b9e8f3a-6d4c-4e1b-8a7f-5c3d2e1f0a9b");

QList<TenantSwitcher::Choice> sampleTenants()
{
    return {{kAcme, QStringLiteral("Acme")}, {kGlobex, QStringLiteral("Globex Corporation")}};
}

QStringList entryTexts(const QMenu *menu)
{
    QStringList texts;
    for (const QAction *action : menu->actions()) {
        if (!action->isSeparator())
            texts << action->text();
    }
    return texts;
}

QAction *entry(const QMenu *menu, const QString &text)
{
    for (QAction *action : menu->actions()) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

} // namespace

class TestTenantSwitcher final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void hiddenUntilShownToAHostAdmin();
    void offersTheHostFirstThenTheTenants();
    void aChoiceIsAskedForAndTheCurrentOneIsNot();
    void theMenuAsksForTheTenantsAgainWhenItOpens();
    void longAndOddNamesStayReadable();
    void aRefusalIsShownUnderTheButtonUntilTheNextSwitch();
    void screenshots();

private:
    [[nodiscard]] TenantSwitcher &switcher() { return m_window->tenantSwitcher(); }
    [[nodiscard]] QPushButton *button()
    {
        return switcher().findChild<QPushButton *>(QStringLiteral("tenantSwitcherButton"));
    }

    std::unique_ptr<MainWindow> m_window;
};

void TestTenantSwitcher::initTestCase()
{
    QVERIFY(Models::installTranslations(*qApp, QLocale::c()));
    Ui::Theme::applyAppearance(*qApp);
}

void TestTenantSwitcher::init()
{
    m_window = std::make_unique<MainWindow>();
    m_window->addPage(QStringLiteral("Social Integration"), new QLabel(QStringLiteral("social")));
    m_window->addPage(QStringLiteral("Database"), new QLabel(QStringLiteral("database")));
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void TestTenantSwitcher::cleanup()
{
    m_window.reset();
}

void TestTenantSwitcher::hiddenUntilShownToAHostAdmin()
{
    QVERIFY(switcher().isHidden());
    switcher().show();
    QVERIFY(switcher().isVisible());
    // At the top of the navigation, above the pages.
    const auto *list = m_window->findChild<QWidget *>(QStringLiteral("navigationList"));
    QVERIFY(switcher().geometry().bottom() < list->geometry().top());
    QCOMPARE(switcher().currentName(), QStringLiteral("Host"));
    QCOMPARE(switcher().shownName(), QStringLiteral("Host"));
}

void TestTenantSwitcher::offersTheHostFirstThenTheTenants()
{
    switcher().show();
    switcher().setTenants(sampleTenants());
    switcher().setCurrent(kAcme, QStringLiteral("Acme"));

    QCOMPARE(entryTexts(switcher().menu()),
             (QStringList{QStringLiteral("Host"), QStringLiteral("Acme"),
                          QStringLiteral("Globex Corporation")}));
    QVERIFY(switcher().menu()->actions().at(1)->isSeparator());
    QVERIFY(entry(switcher().menu(), QStringLiteral("Acme"))->isChecked());
    QVERIFY(!entry(switcher().menu(), QStringLiteral("Host"))->isChecked());
    QCOMPARE(switcher().shownName(), QStringLiteral("Acme"));
    QCOMPARE(switcher().currentTenant(), kAcme);
    QCOMPARE(button()->menu(), switcher().menu());
    QCOMPARE(switcher().property("scope").toString(), QStringLiteral("tenant"));
    switcher().setCurrent({}, {});
    QCOMPARE(switcher().property("scope").toString(), QStringLiteral("host"));
}

void TestTenantSwitcher::aChoiceIsAskedForAndTheCurrentOneIsNot()
{
    switcher().show();
    switcher().setTenants(sampleTenants());
    QSignalSpy requested(&switcher(), &TenantSwitcher::tenantRequested);

    entry(switcher().menu(), QStringLiteral("Host"))->trigger();
    QCOMPARE(requested.size(), 0);
    entry(switcher().menu(), QStringLiteral("Globex Corporation"))->trigger();
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.at(0).at(0).toUuid(), kGlobex);
    // The switcher shows what it is told, not what was asked: still the host.
    QCOMPARE(switcher().currentName(), QStringLiteral("Host"));

    switcher().setCurrent(kGlobex, QStringLiteral("Globex Corporation"));
    entry(switcher().menu(), QStringLiteral("Host"))->trigger();
    QCOMPARE(requested.size(), 2);
    QVERIFY(requested.at(1).at(0).toUuid().isNull());
}

void TestTenantSwitcher::theMenuAsksForTheTenantsAgainWhenItOpens()
{
    switcher().show();
    QSignalSpy opening(&switcher(), &TenantSwitcher::aboutToChoose);
    // A tenant created meanwhile appears the next time the menu opens.
    connect(&switcher(), &TenantSwitcher::aboutToChoose, this,
            [this] { switcher().setTenants(sampleTenants()); });
    QTimer::singleShot(0, this, [this] {
        QTRY_VERIFY(switcher().menu()->isVisible());
        switcher().menu()->close();
    });
    QTest::mouseClick(button(), Qt::LeftButton);
    QTRY_COMPARE(opening.size(), 1);
    QCOMPARE(entryTexts(switcher().menu()).size(), 3);
}

void TestTenantSwitcher::longAndOddNamesStayReadable()
{
    switcher().show();
    const QString longName = QStringLiteral("Contoso Pharmaceuticals & Medical Devices Europe");
    switcher().setTenants({{kAcme, longName}});
    switcher().setCurrent(kAcme, longName);

    // Elided to the panel's width, whole in the tooltip; "&" is a letter, not a mnemonic.
    QVERIFY(switcher().shownName().endsWith(QChar(0x2026)));
    QVERIFY(button()->width() <= switcher().width());
    QVERIFY(button()->toolTip().contains(longName));
    QCOMPARE(entry(switcher().menu(), QString(longName).replace(u'&', u"&&"_qs))->isChecked(),
             true);
}

void TestTenantSwitcher::aRefusalIsShownUnderTheButtonUntilTheNextSwitch()
{
    switcher().show();
    switcher().showError(QStringLiteral("That tenant no longer exists in the CRM."));
    const auto *error = switcher().findChild<QLabel *>(QStringLiteral("tenantSwitcherError"));
    QVERIFY(error->isVisible());
    QCOMPARE(switcher().error(), QStringLiteral("That tenant no longer exists in the CRM."));
    QCOMPARE(error->textFormat(), Qt::PlainText);

    switcher().setCurrent(kAcme, QStringLiteral("Acme"));
    QVERIFY(switcher().error().isEmpty());
    QVERIFY(error->isHidden());
}

// The window with "Acting on: Acme" and its menu open, as a host administrator sees it.
void TestTenantSwitcher::screenshots()
{
    m_window->setStatusText(QStringLiteral("crm-db.example.com:5432/easycrm as crm_app — signed "
                                           "in as admin (host), acting on Acme"));
    switcher().show();
    switcher().setTenants(sampleTenants());
    switcher().setCurrent(kAcme, QStringLiteral("Acme"));
    const QString closed = Testing::saveScreenshot(*m_window, QStringLiteral("tenant-switcher"));
    QVERIFY(!closed.isEmpty());

    QMenu *menu = switcher().menu();
    menu->popup(button()->mapToGlobal(QPoint(0, button()->height())));
    QVERIFY(QTest::qWaitForWindowExposed(menu));
    QPixmap shot = m_window->grab();
    QPainter painter(&shot);
    painter.drawPixmap(m_window->mapFromGlobal(menu->pos()), menu->grab());
    painter.end();
    menu->close();
    const QString path = QFileInfo(closed).dir().filePath(u"tenant-switcher-menu.png"_qs);
    QVERIFY(shot.save(path, "PNG"));
    qInfo("screenshots: %s %s", qPrintable(closed), qPrintable(path));
}

QTEST_MAIN(TestTenantSwitcher)
#include "tst_tenantswitcher.moc"
