/** The command strip above the grid (the Electron window also has native menus with the same commands). */
import type { MenuCommand } from '../host/host';
import { runCommand } from '../commands';
import { useUi } from '../state/store';
import { openRecalc } from './RecalcDialog';
import { openMergeDialog } from './MergeDialog';
import { openNewYear } from './NewYearDialog';
import { runFullAudit } from './ChecksPanel';

function B({ cmd, label, title, disabled }: { cmd: MenuCommand; label: string; title: string; disabled?: boolean }) {
  return (
    <button type="button" data-cmd={cmd} title={title} disabled={disabled} onClick={() => void runCommand(cmd)}>
      {label}
    </button>
  );
}

export function Toolbar() {
  const canUndo = useUi((s) => s.canUndo);
  const canRedo = useUi((s) => s.canRedo);
  const fileName = useUi((s) => s.fileName);
  const dirty = useUi((s) => s.dirty);
  const checksOpen = useUi((s) => s.checksOpen);
  return (
    <header className="toolbar">
      <span className="app-name">决算公开助手</span>
      <span className="group">
        <B cmd="new" label="新建" title="新建公开包（Ctrl+N）" />
        <B cmd="open" label="打开" title="打开公开包（Ctrl+O）" />
        <button type="button" data-testid="open-new-year" title="从上一年度的公开包新建下一年度：上年数按取数公式填入，概况和自评表沿用" onClick={() => void openNewYear()}>新年度</button>
        <B cmd="save" label="保存" title="保存（Ctrl+S）" />
        <B cmd="save-as" label="另存为" title="另存为（Ctrl+Shift+S）" />
      </span>
      <span className="group">
        <B cmd="import" label="导入" title="导入上年数或其他格式的决算表" />
        <B cmd="export" label="导出" title="导出填好的工作簿" />
        <B cmd="print" label="打印" title="打印（Ctrl+P）" />
      </span>
      <span className="group">
        <button type="button" data-testid="open-merge" title="把本级和下属单位的公开包汇总为部门公开包" onClick={() => openMergeDialog('merge')}>汇总</button>
        <button type="button" data-testid="open-review" title="审核一个文件夹中的全部公开包" onClick={() => openMergeDialog('review')}>批量审核</button>
      </span>
      <span className="group">
        <B cmd="undo" label="撤销" title="撤销（Ctrl+Z）" disabled={!canUndo} />
        {/* 重做 as in Excel/WPS: 恢复 is the recovery of unsaved work after a crash */}
        <B cmd="redo" label="重做" title="重做（Ctrl+Y）" disabled={!canRedo} />
        <B cmd="find" label="查找" title="在整个公开包中查找（Ctrl+F）" />
      </span>
      <span className="group">
        <B cmd="insert-row" label="插入行" title="在选中行上方插入科目行或指标行" />
        <B cmd="delete-row" label="删除行" title="删除选中的科目行或指标行" />
      </span>
      <span className="group">
        <button type="button" data-testid="recalc" onClick={() => openRecalc()} title="运算（全部重算）：按运算公式重算所有合计、类款、执行率；尾数差先列出，由您决定是否重算；可撤销">
          运算
        </button>
        <button type="button" data-testid="full-audit" onClick={() => void runFullAudit()} title="全审：重新审核整个公开包，写出审核报告（每条审核结果按表列出，含级别、单元格和出错说明）">
          全审
        </button>
        <button type="button" className={checksOpen ? 'on' : ''} onClick={() => void runCommand('toggle-checks')} title="显示或隐藏审核结果">
          审核结果
        </button>
      </span>
      <span className="doc-name" data-testid="doc-name">
        {fileName}
        {dirty && <span className="dirty" title="有未保存的修改"> ●</span>}
      </span>
    </header>
  );
}
