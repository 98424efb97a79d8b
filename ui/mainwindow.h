#pragma once

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace EasyCrm::Ui {

class TenantSwitcher;

// The product's window: Settings navigation on the left (Social Integration now; Brand
// Accounts and Providers join through addPage()), the selected page on the right, and a
// status bar line for the database and the signed-in user.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Where a page sits in the navigation: a top-level settings page, or a page under the one
    // before it (Settings — Social Integration — Brand Accounts), shown indented.
    enum class PageLevel { Top, Sub };
    Q_ENUM(PageLevel)

    // Appends `page` under `title` to the navigation and takes ownership; returns its index.
    int addPage(const QString &title, QWidget *page, PageLevel level = PageLevel::Top);
    // Hides or shows `page`'s navigation entry (a page the signed-in user may not use); a
    // hidden page that is showing gives way to the first visible one.
    void setPageVisible(QWidget *page, bool visible);
    bool isPageVisible(QWidget *page) const;
    int pageCount() const;
    QWidget *currentPage() const;
    QString statusText() const;
    // "Acting on: Host ▾" at the top of the navigation; hidden until app/ shows it to a host
    // administrator.
    TenantSwitcher &tenantSwitcher() { return *m_tenantSwitcher; }

public slots:
    void setStatusText(const QString &text);
    void showPage(QWidget *page);
    void showPageAt(int index);

private:
    QWidget *buildNavigation();

    QListWidget *m_navigation = nullptr;
    TenantSwitcher *m_tenantSwitcher = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_statusText = nullptr;
};

} // namespace EasyCrm::Ui
