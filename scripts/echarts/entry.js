// The parts of ECharts the compare page draws with (static/js/compare_plots.js): parallel
// coordinates, scatter, box plot, heatmap (the contour), their components, the canvas
// renderer. build.sh bundles this into one minified script that defines window.echarts.
import { use } from "echarts/core";

export { dispose, getInstanceByDom, init, version } from "echarts/core";
import { BoxplotChart, HeatmapChart, ParallelChart, ScatterChart } from "echarts/charts";
import {
  GridComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  VisualMapPiecewiseComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

use([
  BoxplotChart,
  HeatmapChart,
  ParallelChart,
  ScatterChart,
  GridComponent,
  ParallelComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  VisualMapPiecewiseComponent,
  CanvasRenderer,
]);
